CREATE TYPE "identity"."account_kind" AS ENUM('person', 'integration');--> statement-breakpoint
ALTER TYPE "identity"."audit_action" ADD VALUE 'integration_token_created';--> statement-breakpoint
ALTER TYPE "identity"."audit_action" ADD VALUE 'integration_token_revoked';--> statement-breakpoint
CREATE TABLE "identity"."integration_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"name" text NOT NULL,
	"scopes" text[] NOT NULL,
	"token_hash" text NOT NULL,
	"token_prefix" text NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"revoked_by" uuid,
	CONSTRAINT "integration_tokens_account_id_unique" UNIQUE("account_id"),
	CONSTRAINT "integration_tokens_token_hash_unique" UNIQUE("token_hash"),
	CONSTRAINT "integration_tokens_scopes_valid" CHECK (cardinality("identity"."integration_tokens"."scopes") > 0 and "identity"."integration_tokens"."scopes" <@ array['read', 'write']::text[]),
	CONSTRAINT "integration_tokens_name_not_blank" CHECK (btrim("identity"."integration_tokens"."name") <> '')
);
--> statement-breakpoint
CREATE TABLE "identity"."persisted_operations" (
	"integration_token_id" uuid NOT NULL,
	"operation_id" text NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"body" text NOT NULL,
	"stripped_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "persisted_operations_integration_token_id_operation_id_pk" PRIMARY KEY("integration_token_id","operation_id"),
	CONSTRAINT "persisted_operations_type_valid" CHECK ("identity"."persisted_operations"."type" in ('query', 'mutation', 'subscription'))
);
--> statement-breakpoint
ALTER TABLE "identity"."accounts" ADD COLUMN "kind" "identity"."account_kind" DEFAULT 'person' NOT NULL;--> statement-breakpoint
ALTER TABLE "identity"."integration_tokens" ADD CONSTRAINT "integration_tokens_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "identity"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity"."integration_tokens" ADD CONSTRAINT "integration_tokens_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "identity"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity"."integration_tokens" ADD CONSTRAINT "integration_tokens_created_by_accounts_id_fk" FOREIGN KEY ("created_by") REFERENCES "identity"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity"."integration_tokens" ADD CONSTRAINT "integration_tokens_revoked_by_accounts_id_fk" FOREIGN KEY ("revoked_by") REFERENCES "identity"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity"."persisted_operations" ADD CONSTRAINT "persisted_operations_integration_token_id_integration_tokens_id_fk" FOREIGN KEY ("integration_token_id") REFERENCES "identity"."integration_tokens"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "integration_tokens_workspace_idx" ON "identity"."integration_tokens" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE INDEX "persisted_operations_stripped_idx" ON "identity"."persisted_operations" USING btree ("integration_token_id","stripped_hash");--> statement-breakpoint
CREATE VIEW "identity"."v_active_integration_tokens" AS (select id, token_hash, account_id, workspace_id, scopes from identity.integration_tokens where revoked_at is null);--> statement-breakpoint
CREATE VIEW "identity"."v_active_persisted_operations" AS (select o.integration_token_id, o.operation_id, o.body, o.stripped_hash
        from identity.persisted_operations o
        join identity.integration_tokens t on t.id = o.integration_token_id
        where t.revoked_at is null);