-- Permissions that the built-in roles gained with the full role model: editors may do
-- everything; external roles may comment but neither open settings, delete tasks, nor see
-- other people's time.
UPDATE "sharing"."project_roles"
SET "can_open_settings" = true, "can_delete_tasks" = true, "can_comment" = true, "can_see_others_time" = true
WHERE "id" = '00000000-0000-4000-8000-000000000001';
--> statement-breakpoint
UPDATE "sharing"."project_roles"
SET "can_open_settings" = false, "can_delete_tasks" = false, "can_comment" = true, "can_see_others_time" = false
WHERE "id" IN ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000003');
