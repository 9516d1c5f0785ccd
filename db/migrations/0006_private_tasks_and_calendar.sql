CREATE TABLE "work"."calendar_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"task_id" uuid,
	"private_task_id" uuid,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "calendar_entries_one_target" CHECK (num_nonnulls("work"."calendar_entries"."task_id", "work"."calendar_entries"."private_task_id") = 1),
	CONSTRAINT "calendar_entries_end_after_start" CHECK ("work"."calendar_entries"."ends_at" > "work"."calendar_entries"."starts_at"),
	CONSTRAINT "calendar_entries_at_most_14_days" CHECK ("work"."calendar_entries"."ends_at" - "work"."calendar_entries"."starts_at" <= interval '14 days')
);
--> statement-breakpoint
CREATE TABLE "work"."private_task_shares" (
	"private_task_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"shared_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "private_task_shares_private_task_id_account_id_pk" PRIMARY KEY("private_task_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "work"."private_tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "work"."private_tasks_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"owner_account_id" uuid NOT NULL,
	"workspace_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"status" "work"."task_status" DEFAULT 'todo' NOT NULL,
	"due_date" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "private_tasks_seq_unique" UNIQUE("seq"),
	CONSTRAINT "private_tasks_title_not_blank" CHECK (btrim("work"."private_tasks"."title") <> '')
);
--> statement-breakpoint
ALTER TABLE "work"."calendar_entries" ADD CONSTRAINT "calendar_entries_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "work"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work"."calendar_entries" ADD CONSTRAINT "calendar_entries_private_task_id_private_tasks_id_fk" FOREIGN KEY ("private_task_id") REFERENCES "work"."private_tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work"."private_task_shares" ADD CONSTRAINT "private_task_shares_private_task_id_private_tasks_id_fk" FOREIGN KEY ("private_task_id") REFERENCES "work"."private_tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "calendar_entries_account_starts_idx" ON "work"."calendar_entries" USING btree ("account_id","starts_at");--> statement-breakpoint
CREATE INDEX "calendar_entries_task_id_idx" ON "work"."calendar_entries" USING btree ("task_id");--> statement-breakpoint
CREATE INDEX "calendar_entries_private_task_id_idx" ON "work"."calendar_entries" USING btree ("private_task_id");--> statement-breakpoint
CREATE INDEX "private_task_shares_account_id_idx" ON "work"."private_task_shares" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "private_tasks_owner_seq_idx" ON "work"."private_tasks" USING btree ("owner_account_id","seq");