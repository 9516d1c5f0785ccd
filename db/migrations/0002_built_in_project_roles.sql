-- The built-in project roles every workspace has (ids in db/sharing/schema.ts), and the
-- editor role for every member who joined before roles existed.
INSERT INTO "sharing"."project_roles"
  ("id", "workspace_id", "name", "applies_to_external", "can_edit_project", "can_manage_members", "sees_all_tasks", "can_edit_tasks", "can_track_time")
VALUES
  ('00000000-0000-4000-8000-000000000001', NULL, 'Editor', false, true, true, true, true, true),
  ('00000000-0000-4000-8000-000000000002', NULL, 'External collaborator', true, false, false, true, true, true),
  ('00000000-0000-4000-8000-000000000003', NULL, 'External assignee', true, false, false, false, true, true);
--> statement-breakpoint
UPDATE "sharing"."project_members" SET "role_id" = '00000000-0000-4000-8000-000000000001' WHERE "role_id" IS NULL;
