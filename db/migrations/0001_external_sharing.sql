CREATE TABLE "sharing"."invitations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"email" text NOT NULL,
	"role_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"invited_by" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"sent_count" integer DEFAULT 1 NOT NULL,
	"last_sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	"accepted_at" timestamp with time zone,
	"accepted_by" uuid,
	"revoked_at" timestamp with time zone,
	"revoked_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invitations_token_hash_unique" UNIQUE("token_hash"),
	CONSTRAINT "invitations_email_normalized" CHECK ("sharing"."invitations"."email" = lower(btrim("sharing"."invitations"."email"))),
	CONSTRAINT "invitations_accepted_or_revoked" CHECK ("sharing"."invitations"."accepted_at" is null or "sharing"."invitations"."revoked_at" is null)
);
--> statement-breakpoint
CREATE TABLE "sharing"."mail_outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"recipient" text NOT NULL,
	"subject" text NOT NULL,
	"text_body" text NOT NULL,
	"html_body" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sharing"."project_roles" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid,
	"name" text NOT NULL,
	"applies_to_external" boolean NOT NULL,
	"can_edit_project" boolean NOT NULL,
	"can_manage_members" boolean NOT NULL,
	"sees_all_tasks" boolean NOT NULL,
	"can_edit_tasks" boolean NOT NULL,
	"can_track_time" boolean NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "project_roles_name_not_blank" CHECK (btrim("sharing"."project_roles"."name") <> ''),
	CONSTRAINT "project_roles_external_cannot_edit_project" CHECK (not ("sharing"."project_roles"."applies_to_external" and "sharing"."project_roles"."can_edit_project"))
);
--> statement-breakpoint
CREATE TABLE "work"."time_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"task_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"entry_date" date NOT NULL,
	"duration_minutes" integer,
	"started_at" timestamp with time zone,
	"note" text DEFAULT '' NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "time_entries_duration_range" CHECK ("work"."time_entries"."duration_minutes" is null or "work"."time_entries"."duration_minutes" between 1 and 1440),
	CONSTRAINT "time_entries_running_has_start" CHECK ("work"."time_entries"."duration_minutes" is not null or "work"."time_entries"."started_at" is not null)
);
--> statement-breakpoint
DROP VIEW "identity"."v_workspaces";--> statement-breakpoint
DROP VIEW "sharing"."v_project_memberships";--> statement-breakpoint
ALTER TABLE "identity"."workspaces" ADD COLUMN "external_invitations_enabled" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "sharing"."project_members" ADD COLUMN "role_id" uuid;--> statement-breakpoint
ALTER TABLE "sharing"."invitations" ADD CONSTRAINT "invitations_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "sharing"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sharing"."invitations" ADD CONSTRAINT "invitations_role_id_project_roles_id_fk" FOREIGN KEY ("role_id") REFERENCES "sharing"."project_roles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work"."time_entries" ADD CONSTRAINT "time_entries_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "work"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "invitations_project_id_idx" ON "sharing"."invitations" USING btree ("project_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "invitations_open_per_email_idx" ON "sharing"."invitations" USING btree ("project_id","email") WHERE "sharing"."invitations"."accepted_at" is null and "sharing"."invitations"."revoked_at" is null;--> statement-breakpoint
CREATE INDEX "mail_outbox_pending_idx" ON "sharing"."mail_outbox" USING btree ("next_attempt_at") WHERE "sharing"."mail_outbox"."sent_at" is null;--> statement-breakpoint
CREATE INDEX "project_roles_workspace_id_idx" ON "sharing"."project_roles" USING btree ("workspace_id");--> statement-breakpoint
CREATE INDEX "time_entries_project_id_idx" ON "work"."time_entries" USING btree ("project_id","entry_date");--> statement-breakpoint
CREATE INDEX "time_entries_account_id_idx" ON "work"."time_entries" USING btree ("account_id","entry_date");--> statement-breakpoint
CREATE INDEX "time_entries_task_id_idx" ON "work"."time_entries" USING btree ("task_id");--> statement-breakpoint
CREATE UNIQUE INDEX "time_entries_one_running_idx" ON "work"."time_entries" USING btree ("account_id") WHERE "work"."time_entries"."duration_minutes" is null;--> statement-breakpoint
ALTER TABLE "sharing"."project_members" ADD CONSTRAINT "project_members_role_id_project_roles_id_fk" FOREIGN KEY ("role_id") REFERENCES "sharing"."project_roles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE VIEW "identity"."v_accounts" AS (select id, name, email, avatar_url from identity.accounts);--> statement-breakpoint
CREATE VIEW "sharing"."v_open_invitations" AS (select token_hash, project_id, email, expires_at from sharing.invitations where accepted_at is null and revoked_at is null);--> statement-breakpoint
CREATE VIEW "identity"."v_workspaces" AS (select id, name, logo_url, plan, external_invitations_enabled from identity.workspaces);--> statement-breakpoint
CREATE VIEW "sharing"."v_project_memberships" AS (select m.project_id, m.account_id, p.workspace_id, m.is_external, m.placement_workspace_id, m.role_id,
          coalesce(r.sees_all_tasks, true) as sees_all_tasks, coalesce(r.can_edit_tasks, true) as can_edit_tasks,
          coalesce(r.can_track_time, true) as can_track_time, coalesce(r.can_manage_members, true) as can_manage_members
        from sharing.project_members m
        join sharing.projects p on p.id = m.project_id
        left join sharing.project_roles r on r.id = m.role_id);