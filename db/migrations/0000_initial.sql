CREATE SCHEMA "identity";
--> statement-breakpoint
CREATE SCHEMA "sharing";
--> statement-breakpoint
CREATE SCHEMA "work";
--> statement-breakpoint
CREATE TYPE "identity"."licence" AS ENUM('full', 'guest');--> statement-breakpoint
CREATE TYPE "identity"."plan" AS ENUM('trial', 'basic_connect', 'basic', 'business', 'enterprise');--> statement-breakpoint
CREATE TYPE "identity"."workspace_role" AS ENUM('admin', 'member');--> statement-breakpoint
CREATE TYPE "work"."task_status" AS ENUM('todo', 'in_progress', 'done', 'cancelled');--> statement-breakpoint
CREATE TABLE "identity"."accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"password_hash" text NOT NULL,
	"avatar_url" text,
	"last_workspace_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounts_email_unique" UNIQUE("email"),
	CONSTRAINT "accounts_email_normalized" CHECK ("identity"."accounts"."email" = lower(btrim("identity"."accounts"."email"))),
	CONSTRAINT "accounts_name_not_blank" CHECK (btrim("identity"."accounts"."name") <> '')
);
--> statement-breakpoint
CREATE TABLE "identity"."sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"current_workspace_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "identity"."workspace_members" (
	"workspace_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"role" "identity"."workspace_role" NOT NULL,
	"licence" "identity"."licence" DEFAULT 'full' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workspace_members_workspace_id_account_id_pk" PRIMARY KEY("workspace_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "identity"."workspaces" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"logo_url" text,
	"plan" "identity"."plan" DEFAULT 'trial' NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workspaces_name_not_blank" CHECK (btrim("identity"."workspaces"."name") <> '')
);
--> statement-breakpoint
CREATE TABLE "sharing"."project_members" (
	"project_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"is_external" boolean DEFAULT false NOT NULL,
	"placement_workspace_id" uuid,
	"added_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "project_members_project_id_account_id_pk" PRIMARY KEY("project_id","account_id"),
	CONSTRAINT "project_members_placement_only_for_external" CHECK ("sharing"."project_members"."is_external" or "sharing"."project_members"."placement_workspace_id" is null)
);
--> statement-breakpoint
CREATE TABLE "sharing"."projects" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"archived_at" timestamp with time zone,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "projects_name_not_blank" CHECK (btrim("sharing"."projects"."name") <> '')
);
--> statement-breakpoint
CREATE TABLE "work"."task_assignees" (
	"task_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"assigned_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "task_assignees_task_id_account_id_pk" PRIMARY KEY("task_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "work"."tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "work"."tasks_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"project_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"status" "work"."task_status" DEFAULT 'todo' NOT NULL,
	"due_date" date,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tasks_seq_unique" UNIQUE("seq"),
	CONSTRAINT "tasks_title_not_blank" CHECK (btrim("work"."tasks"."title") <> '')
);
--> statement-breakpoint
ALTER TABLE "identity"."accounts" ADD CONSTRAINT "accounts_last_workspace_id_workspaces_id_fk" FOREIGN KEY ("last_workspace_id") REFERENCES "identity"."workspaces"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity"."sessions" ADD CONSTRAINT "sessions_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "identity"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity"."sessions" ADD CONSTRAINT "sessions_current_workspace_id_workspaces_id_fk" FOREIGN KEY ("current_workspace_id") REFERENCES "identity"."workspaces"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity"."workspace_members" ADD CONSTRAINT "workspace_members_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "identity"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity"."workspace_members" ADD CONSTRAINT "workspace_members_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "identity"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity"."workspaces" ADD CONSTRAINT "workspaces_created_by_accounts_id_fk" FOREIGN KEY ("created_by") REFERENCES "identity"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sharing"."project_members" ADD CONSTRAINT "project_members_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "sharing"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work"."task_assignees" ADD CONSTRAINT "task_assignees_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "work"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sessions_account_id_idx" ON "identity"."sessions" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "workspace_members_account_id_idx" ON "identity"."workspace_members" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "project_members_account_id_idx" ON "sharing"."project_members" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "projects_workspace_id_idx" ON "sharing"."projects" USING btree ("workspace_id","created_at","id");--> statement-breakpoint
CREATE INDEX "task_assignees_account_id_idx" ON "work"."task_assignees" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "tasks_project_id_seq_idx" ON "work"."tasks" USING btree ("project_id","seq");--> statement-breakpoint
CREATE VIEW "identity"."v_active_sessions" AS (select s.id, s.account_id, m.workspace_id as current_workspace_id, s.expires_at
        from identity.sessions s
        left join identity.workspace_members m
          on m.workspace_id = s.current_workspace_id and m.account_id = s.account_id
        where s.revoked_at is null and s.expires_at > now());--> statement-breakpoint
CREATE VIEW "identity"."v_workspace_memberships" AS (select workspace_id, account_id, role, licence from identity.workspace_members);--> statement-breakpoint
CREATE VIEW "identity"."v_workspaces" AS (select id, name, plan from identity.workspaces);--> statement-breakpoint
CREATE VIEW "sharing"."v_project_memberships" AS (select m.project_id, m.account_id, p.workspace_id, m.is_external, m.placement_workspace_id
        from sharing.project_members m
        join sharing.projects p on p.id = m.project_id);--> statement-breakpoint
CREATE VIEW "sharing"."v_projects" AS (select id, workspace_id, name, archived_at from sharing.projects);