CREATE TYPE "work"."activity_kind" AS ENUM('task_created', 'status_changed', 'assigned', 'unassigned', 'due_date_changed', 'commented', 'time_tracked');--> statement-breakpoint
CREATE TYPE "work"."notification_kind" AS ENUM('assigned', 'mentioned', 'status_changed', 'commented');--> statement-breakpoint
CREATE TABLE "work"."activity_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"task_id" uuid,
	"actor_account_id" uuid NOT NULL,
	"kind" "work"."activity_kind" NOT NULL,
	"subject_account_id" uuid,
	"comment_id" uuid,
	"is_internal" boolean DEFAULT false NOT NULL,
	"time_entry_id" uuid,
	"from_value" text,
	"to_value" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "work"."mail_outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"recipient" text NOT NULL,
	"subject" text NOT NULL,
	"text_body" text NOT NULL,
	"html_body" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"project_id" uuid NOT NULL,
	"recipient_account_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "work"."notification_settings" (
	"account_id" uuid NOT NULL,
	"kind" "work"."notification_kind" NOT NULL,
	"in_app" boolean NOT NULL,
	"email" boolean NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notification_settings_account_id_kind_pk" PRIMARY KEY("account_id","kind")
);
--> statement-breakpoint
CREATE TABLE "work"."notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "work"."notifications_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"recipient_account_id" uuid NOT NULL,
	"kind" "work"."notification_kind" NOT NULL,
	"project_id" uuid NOT NULL,
	"task_id" uuid,
	"comment_id" uuid,
	"actor_account_id" uuid NOT NULL,
	"status" "work"."task_status",
	"read_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notifications_seq_unique" UNIQUE("seq")
);
--> statement-breakpoint
CREATE TABLE "work"."task_follows" (
	"task_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "task_follows_task_id_account_id_pk" PRIMARY KEY("task_id","account_id")
);
--> statement-breakpoint
DROP VIEW "sharing"."v_project_memberships";--> statement-breakpoint
ALTER TABLE "work"."activity_events" ADD CONSTRAINT "activity_events_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "work"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work"."activity_events" ADD CONSTRAINT "activity_events_comment_id_comments_id_fk" FOREIGN KEY ("comment_id") REFERENCES "work"."comments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work"."activity_events" ADD CONSTRAINT "activity_events_time_entry_id_time_entries_id_fk" FOREIGN KEY ("time_entry_id") REFERENCES "work"."time_entries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work"."notifications" ADD CONSTRAINT "notifications_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "work"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work"."notifications" ADD CONSTRAINT "notifications_comment_id_comments_id_fk" FOREIGN KEY ("comment_id") REFERENCES "work"."comments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work"."task_follows" ADD CONSTRAINT "task_follows_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "work"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "activity_events_project_created_idx" ON "work"."activity_events" USING btree ("project_id","created_at","id");--> statement-breakpoint
CREATE INDEX "activity_events_task_created_idx" ON "work"."activity_events" USING btree ("task_id","created_at","id");--> statement-breakpoint
CREATE INDEX "work_mail_outbox_pending_idx" ON "work"."mail_outbox" USING btree ("next_attempt_at") WHERE "work"."mail_outbox"."sent_at" is null;--> statement-breakpoint
CREATE INDEX "work_mail_outbox_project_recipient_idx" ON "work"."mail_outbox" USING btree ("project_id","recipient_account_id") WHERE "work"."mail_outbox"."sent_at" is null;--> statement-breakpoint
CREATE INDEX "notifications_recipient_seq_idx" ON "work"."notifications" USING btree ("recipient_account_id","seq");--> statement-breakpoint
CREATE INDEX "notifications_recipient_unread_idx" ON "work"."notifications" USING btree ("recipient_account_id") WHERE "work"."notifications"."read_at" is null;--> statement-breakpoint
CREATE INDEX "notifications_project_recipient_idx" ON "work"."notifications" USING btree ("project_id","recipient_account_id");--> statement-breakpoint
CREATE INDEX "task_follows_project_account_idx" ON "work"."task_follows" USING btree ("project_id","account_id");--> statement-breakpoint
CREATE VIEW "sharing"."v_project_member_changes" AS (select id, project_id, actor_account_id, target_account_id as account_id, action = 'member_removed' as is_removal, created_at
        from sharing.audit_events
        where action in ('member_added', 'invitation_accepted', 'member_removed')
          and project_id is not null and target_account_id is not null);--> statement-breakpoint
CREATE VIEW "sharing"."v_project_memberships" AS (select m.project_id, m.account_id, p.workspace_id, m.is_external, m.placement_workspace_id, m.role_id,
          r.sees_all_tasks, r.can_edit_tasks, r.can_track_time, r.can_manage_members,
          r.can_delete_tasks, r.can_comment, r.can_see_others_time, m.created_at as joined_at
        from sharing.project_members m
        join sharing.projects p on p.id = m.project_id
        join sharing.project_roles r on r.id = m.role_id);