CREATE TABLE "work"."comment_mentions" (
	"comment_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	CONSTRAINT "comment_mentions_comment_id_account_id_pk" PRIMARY KEY("comment_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "work"."comments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "work"."comments_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"project_id" uuid NOT NULL,
	"task_id" uuid,
	"author_account_id" uuid NOT NULL,
	"body" text NOT NULL,
	"is_internal" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "comments_seq_unique" UNIQUE("seq"),
	CONSTRAINT "comments_body_not_blank" CHECK (btrim("work"."comments"."body") <> '')
);
--> statement-breakpoint
ALTER TABLE "work"."comment_mentions" ADD CONSTRAINT "comment_mentions_comment_id_comments_id_fk" FOREIGN KEY ("comment_id") REFERENCES "work"."comments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work"."comments" ADD CONSTRAINT "comments_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "work"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "comment_mentions_account_id_idx" ON "work"."comment_mentions" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "comments_project_id_seq_idx" ON "work"."comments" USING btree ("project_id","seq") WHERE "work"."comments"."task_id" is null;--> statement-breakpoint
CREATE INDEX "comments_task_id_seq_idx" ON "work"."comments" USING btree ("task_id","seq");