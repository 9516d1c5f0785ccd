CREATE TYPE "identity"."audit_action" AS ENUM('external_invitations_switched', 'guest_migrated');--> statement-breakpoint
CREATE TYPE "sharing"."audit_action" AS ENUM('invitation_sent', 'invitation_resent', 'invitation_revoked', 'invitation_accepted', 'role_created', 'role_updated', 'role_deleted', 'member_added', 'member_role_changed', 'member_removed', 'project_viewed_as');--> statement-breakpoint
CREATE TABLE "identity"."audit_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"actor_account_id" uuid,
	"action" "identity"."audit_action" NOT NULL,
	"target_account_id" uuid,
	"before" jsonb,
	"after" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sharing"."audit_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"project_id" uuid,
	"actor_account_id" uuid,
	"action" "sharing"."audit_action" NOT NULL,
	"target_account_id" uuid,
	"target_email" text,
	"target_id" uuid,
	"before" jsonb,
	"after" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP VIEW "sharing"."v_project_memberships";--> statement-breakpoint
ALTER TABLE "sharing"."project_roles" ADD COLUMN "can_open_settings" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "sharing"."project_roles" ADD COLUMN "can_delete_tasks" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "sharing"."project_roles" ADD COLUMN "can_comment" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "sharing"."project_roles" ADD COLUMN "can_see_others_time" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "sharing"."project_roles" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "identity"."audit_events" ADD CONSTRAINT "audit_events_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "identity"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "identity_audit_events_workspace_created_idx" ON "identity"."audit_events" USING btree ("workspace_id","created_at","id");--> statement-breakpoint
CREATE INDEX "audit_events_workspace_created_idx" ON "sharing"."audit_events" USING btree ("workspace_id","created_at","id");--> statement-breakpoint
CREATE INDEX "audit_events_project_idx" ON "sharing"."audit_events" USING btree ("project_id","created_at");--> statement-breakpoint
ALTER TABLE "sharing"."project_roles" ADD CONSTRAINT "project_roles_external_cannot_open_settings" CHECK (not ("sharing"."project_roles"."applies_to_external" and "sharing"."project_roles"."can_open_settings"));--> statement-breakpoint
CREATE VIEW "identity"."v_audit_events" AS (select id, workspace_id, actor_account_id, action, target_account_id, before, after, created_at from identity.audit_events);--> statement-breakpoint
CREATE VIEW "sharing"."v_project_memberships" AS (select m.project_id, m.account_id, p.workspace_id, m.is_external, m.placement_workspace_id, m.role_id,
          r.sees_all_tasks, r.can_edit_tasks, r.can_track_time, r.can_manage_members,
          r.can_delete_tasks, r.can_comment, r.can_see_others_time
        from sharing.project_members m
        join sharing.projects p on p.id = m.project_id
        join sharing.project_roles r on r.id = m.role_id);