DROP VIEW "sharing"."v_project_memberships";--> statement-breakpoint
ALTER TABLE "sharing"."project_members" ALTER COLUMN "role_id" SET NOT NULL;--> statement-breakpoint
CREATE VIEW "sharing"."v_project_memberships" AS (select m.project_id, m.account_id, p.workspace_id, m.is_external, m.placement_workspace_id, m.role_id,
          r.sees_all_tasks, r.can_edit_tasks, r.can_track_time, r.can_manage_members
        from sharing.project_members m
        join sharing.projects p on p.id = m.project_id
        join sharing.project_roles r on r.id = m.role_id);