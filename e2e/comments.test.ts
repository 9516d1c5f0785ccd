import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addProjectMember, archiveProject, assignTask, countStatements, createProject, createTask, dataOf, expectUserError, joinWorkspace, signUp, singleErrorOf, type TestAccount } from './builders.js';
import { startTestGraph, type TestGraph } from './harness.js';
import { accept, invite, roles } from './sharing-builders.js';

let graph: TestGraph;
/** Admin of the host workspace, who created the project but writes no comments of their own in most tests. */
let admin: TestAccount;
/** An internal member of the project (built-in Editor). */
let editor: TestAccount;
/** A member of the host workspace outside the project. */
let outsider: TestAccount;
/** External collaborator: sees every task. */
let collaborator: TestAccount;
/** External assignee: sees only the task assigned to them. */
let assignee: TestAccount;
let stranger: TestAccount;
let projectId: string;
let assignedTaskId: string;
let otherTaskId: string;

beforeAll(async () => {
  graph = await startTestGraph();
  admin = await signUp(graph, 'Ada Admin');
  editor = await joinWorkspace(graph, admin, admin.ownWorkspaceId, 'Eli Editor', 'MEMBER');
  outsider = await joinWorkspace(graph, admin, admin.ownWorkspaceId, 'Otto Outside', 'MEMBER');
  projectId = await createProject(graph, admin.token, 'Commented project');
  await addProjectMember(graph, admin.token, projectId, editor.id);
  collaborator = await signUp(graph, 'Cora Collab');
  await accept(graph, collaborator, (await invite(graph, admin.token, projectId, collaborator.email, roles.externalCollaborator)).token);
  assignee = await signUp(graph, 'Axel Assignee');
  await accept(graph, assignee, (await invite(graph, admin.token, projectId, assignee.email, roles.externalAssignee)).token);
  stranger = await signUp(graph, 'Sue Stranger');
  assignedTaskId = await createTask(graph, admin.token, { projectId, title: 'Assigned' });
  otherTaskId = await createTask(graph, admin.token, { projectId, title: 'Not assigned' });
  await assignTask(graph, admin.token, assignedTaskId, assignee.id);
});
afterAll(() => graph?.close());

const createMutation = `mutation($input: CreateCommentInput!) {
  createComment(input: $input) { comment { id body isInternal author { id } mentions { id } task { id } project { id } } userErrors { code field message } }
}`;
const updateMutation = `mutation($input: UpdateCommentInput!) { updateComment(input: $input) { comment { id body } userErrors { code field message } } }`;
const deleteMutation = `mutation($input: CommentIdInput!) { deleteComment(input: $input) { comment { id } userErrors { code field message } } }`;
const connection = `totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } nodes { id body isInternal }`;
const projectCommentsQuery = `query($id: ID!, $first: Int, $after: String) { project(id: $id) { comments(first: $first, after: $after) { ${connection} } } }`;
const taskCommentsQuery = `query($id: ID!, $first: Int, $after: String) { task(id: $id) { comments(first: $first, after: $after) { ${connection} } } }`;

async function create(account: TestAccount, input: Record<string, unknown>) {
  return dataOf(await graph.request(createMutation, { input }, account.token)).createComment;
}

async function comment(account: TestAccount, input: Record<string, unknown>): Promise<string> {
  const payload = await create(account, input);
  expect(payload.userErrors).toEqual([]);
  return payload.comment.id;
}

async function projectComments(account: TestAccount, first = 100, after?: string) {
  return dataOf(await graph.request(projectCommentsQuery, { id: projectId, first, after }, account.token)).project.comments;
}

async function taskComments(account: TestAccount, taskId: string, first = 100, after?: string) {
  return dataOf(await graph.request(taskCommentsQuery, { id: taskId, first, after }, account.token)).task.comments;
}

describe('permissions to comment', () => {
  test('members and host admin comment', async () => {
    for (const account of [admin, editor, collaborator, assignee]) {
      const payload = await create(account, { projectId, body: `Hello from ${account.name}` });
      expect(payload.userErrors).toEqual([]);
      expect(payload.comment).toMatchObject({ author: { id: account.id }, isInternal: false, task: null, project: { id: projectId } });
    }
    const onTask = await create(assignee, { taskId: assignedTaskId, body: 'On my task' });
    expect(onTask.comment.task).toEqual({ id: assignedTaskId });
  });

  test('non-members and unassigned task forbidden', async () => {
    for (const account of [outsider, stranger]) singleErrorOf(await graph.request(createMutation, { input: { projectId, body: 'Hi' } }, account.token), 'FORBIDDEN');
    singleErrorOf(await graph.request(createMutation, { input: { taskId: otherTaskId, body: 'Hi' } }, assignee.token), 'FORBIDDEN');
    singleErrorOf(await graph.request(createMutation, { input: { projectId, body: 'Hi' } }), 'UNAUTHENTICATED');
  });

  test('needs exactly one target', async () => {
    singleErrorOf(await graph.request(createMutation, { input: { body: 'Nowhere' } }, admin.token), 'BAD_USER_INPUT');
    singleErrorOf(await graph.request(createMutation, { input: { projectId, taskId: assignedTaskId, body: 'Both' } }, admin.token), 'BAD_USER_INPUT');
  });

  test('role without canComment forbidden, admin allowed', async () => {
    const role = dataOf(
      await graph.request(
        `mutation($input: CreateProjectRoleInput!) { createProjectRole(input: $input) { role { id } userErrors { code } } }`,
        { input: { workspaceId: admin.ownWorkspaceId, name: 'Silent', appliesToExternal: false, permissions: { canComment: false } } },
        admin.token,
      ),
    ).createProjectRole;
    expect(role.userErrors).toEqual([]);
    const silent = await joinWorkspace(graph, admin, admin.ownWorkspaceId, 'Sam Silent', 'MEMBER');
    const project = await createProject(graph, admin.token, 'Quiet project');
    await addProjectMember(graph, admin.token, project, silent.id);
    const moved = dataOf(
      await graph.request(
        `mutation($input: SetProjectMemberRoleInput!) { setProjectMemberRole(input: $input) { userErrors { code } } }`,
        { input: { projectId: project, accountId: silent.id, roleId: role.role.id } },
        admin.token,
      ),
    ).setProjectMemberRole;
    expect(moved.userErrors).toEqual([]);
    singleErrorOf(await graph.request(createMutation, { input: { projectId: project, body: 'Hi' } }, silent.token), 'FORBIDDEN');
    // The host admin is not a member of the project, yet may comment.
    const coAdmin = await joinWorkspace(graph, admin, admin.ownWorkspaceId, 'Cy Coadmin', 'ADMIN');
    expect(await comment(coAdmin, { projectId: project, body: 'Admin here' })).toEqual(expect.any(String));
  });

  test('body trimmed, multi-line, bounded', async () => {
    const payload = await create(editor, { projectId, body: '  line one\nline two\t\n  ' });
    expect(payload.comment.body).toBe('line one\nline two');
    for (const body of ['   ', 'x'.repeat(10001), 'bell\u0007']) {
      expectUserError(await create(editor, { projectId, body }), 'comment', 'INVALID_INPUT', ['input', 'body']);
    }
    expect((await create(editor, { projectId, body: 'y'.repeat(10000) })).userErrors).toEqual([]);
  });

  test('archived project rejects comments', async () => {
    const archived = await createProject(graph, admin.token, 'Old project');
    await archiveProject(graph, admin.token, archived);
    expectUserError(await create(admin, { projectId: archived, body: 'Late' }), 'comment', 'PROJECT_ARCHIVED', null);
  });
});

describe('internal comments', () => {
  let internalProjectComment: string;
  let internalTaskComment: string;
  let internalOtherTaskComment: string;

  beforeAll(async () => {
    internalProjectComment = await comment(editor, { projectId, body: 'Internal on project', isInternal: true });
    internalTaskComment = await comment(admin, { taskId: assignedTaskId, body: 'Internal on task', isInternal: true });
    internalOtherTaskComment = await comment(admin, { taskId: otherTaskId, body: 'Internal on other task', isInternal: true });
  });

  test('internal viewers see them', async () => {
    for (const account of [admin, editor]) {
      const list = await projectComments(account);
      expect(list.nodes.map((node: { id: string }) => node.id)).toContain(internalProjectComment);
      expect(list.totalCount).toBe(list.nodes.length);
      expect((await taskComments(account, assignedTaskId)).nodes.map((node: { id: string }) => node.id)).toContain(internalTaskComment);
    }
  });

  test('hidden from externals on every path', async () => {
    for (const account of [collaborator, assignee]) {
      const list = await projectComments(account);
      expect(list.nodes.every((node: { isInternal: boolean }) => !node.isInternal)).toBe(true);
      expect(list.totalCount).toBe(list.nodes.length);
      const internalList = await projectComments(admin);
      expect(internalList.totalCount - list.totalCount).toBe(internalList.nodes.filter((node: { isInternal: boolean }) => node.isInternal).length);

      const onTask = await taskComments(account, assignedTaskId);
      expect(onTask.nodes.map((node: { id: string }) => node.id)).not.toContain(internalTaskComment);
      expect(onTask.totalCount).toBe(onTask.nodes.length);

      for (const id of [internalProjectComment, internalTaskComment, internalOtherTaskComment]) {
        expectUserError(dataOf(await graph.request(updateMutation, { input: { commentId: id, body: 'Mine now' } }, account.token)).updateComment, 'comment', 'COMMENT_NOT_FOUND', ['input', 'commentId']);
        expectUserError(dataOf(await graph.request(deleteMutation, { input: { commentId: id } }, account.token)).deleteComment, 'comment', 'COMMENT_NOT_FOUND', ['input', 'commentId']);
      }
    }
  });

  test('_entities cannot fetch a comment', async () => {
    const response = await graph.request(`{ _entities(representations: [{ __typename: "Comment", id: ${JSON.stringify(internalProjectComment)} }]) { __typename } }`, {}, collaborator.token);
    expect(response.errors?.length).toBeGreaterThan(0);
    expect(JSON.stringify(response.data ?? null)).not.toContain('Internal on project');
  });

  test('externals cannot write them', async () => {
    for (const account of [collaborator, assignee]) {
      singleErrorOf(await graph.request(createMutation, { input: { projectId, body: 'Secret', isInternal: true } }, account.token), 'FORBIDDEN');
    }
  });
});

describe('the external assignee', () => {
  test('sees comments of assigned tasks only', async () => {
    const onOther = await comment(editor, { taskId: otherTaskId, body: 'About the other task' });
    const onAssigned = await comment(editor, { taskId: assignedTaskId, body: 'About your task' });
    expect((await taskComments(assignee, assignedTaskId)).nodes.map((node: { id: string }) => node.id)).toContain(onAssigned);
    const hidden = await graph.request(taskCommentsQuery, { id: otherTaskId, first: 10 }, assignee.token);
    expect(dataOf(hidden).task).toBeNull();
    expect(JSON.stringify((await projectComments(assignee)).nodes)).not.toContain(onOther);
    expectUserError(dataOf(await graph.request(deleteMutation, { input: { commentId: onOther } }, assignee.token)).deleteComment, 'comment', 'COMMENT_NOT_FOUND', ['input', 'commentId']);
    // The collaborator sees every task, and so its comments.
    expect((await taskComments(collaborator, otherTaskId)).nodes.map((node: { id: string }) => node.id)).toContain(onOther);
  });
});

describe('mentions', () => {
  test('members mentionable, externals included', async () => {
    const payload = await create(editor, { projectId, body: 'Ping', mentionAccountIds: [collaborator.id, admin.id, collaborator.id] });
    expect(payload.userErrors).toEqual([]);
    expect(payload.comment.mentions.map((account: { id: string }) => account.id).sort()).toEqual([collaborator.id, admin.id].sort());
    const members = dataOf(await graph.request(`query($id: ID!) { project(id: $id) { mentionableMembers { id } } }`, { id: projectId }, collaborator.token)).project.mentionableMembers;
    expect(members.map((account: { id: string }) => account.id).sort()).toEqual([admin.id, editor.id, collaborator.id, assignee.id].sort());
  });

  test('non-member mention rejected with id', async () => {
    const invited = await signUp(graph, 'Ivy Invited');
    await invite(graph, admin.token, projectId, invited.email);
    const removed = await signUp(graph, 'Rex Removed');
    await accept(graph, removed, (await invite(graph, admin.token, projectId, removed.email)).token);
    dataOf(await graph.request(`mutation($input: ProjectMemberInput!) { removeProjectMember(input: $input) { userErrors { code } } }`, { input: { projectId, accountId: removed.id } }, admin.token));
    for (const account of [invited, removed, stranger, outsider]) {
      const payload = await create(editor, { projectId, body: 'Hey', mentionAccountIds: [admin.id, account.id] });
      expectUserError(payload, 'comment', 'NOT_A_PROJECT_MEMBER', ['input', 'mentionAccountIds', '1']);
      expect(payload.userErrors[0].message).toContain(account.id);
    }
  });

  test('internal comment mentions internals only', async () => {
    const payload = await create(editor, { projectId, body: 'Internal ping', isInternal: true, mentionAccountIds: [assignee.id] });
    expectUserError(payload, 'comment', 'MENTION_NOT_ALLOWED', ['input', 'mentionAccountIds', '0']);
    expect(payload.userErrors[0].message).toContain(assignee.id);
    expect((await create(editor, { projectId, body: 'Internal ping', isInternal: true, mentionAccountIds: [admin.id] })).userErrors).toEqual([]);
  });
});

describe('editing and deleting', () => {
  test('only the author edits', async () => {
    const id = await comment(collaborator, { projectId, body: 'Frist' });
    const updated = dataOf(await graph.request(updateMutation, { input: { commentId: id, body: ' First ' } }, collaborator.token)).updateComment;
    expect(updated).toEqual({ comment: { id, body: 'First' }, userErrors: [] });
    for (const account of [admin, editor, assignee]) {
      expectUserError(dataOf(await graph.request(updateMutation, { input: { commentId: id, body: 'Changed' } }, account.token)).updateComment, 'comment', 'NOT_COMMENT_AUTHOR', ['input', 'commentId']);
    }
    for (const account of [outsider, stranger]) {
      expectUserError(dataOf(await graph.request(updateMutation, { input: { commentId: id, body: 'Changed' } }, account.token)).updateComment, 'comment', 'COMMENT_NOT_FOUND', ['input', 'commentId']);
    }
    expectUserError(dataOf(await graph.request(updateMutation, { input: { commentId: id, body: '' } }, collaborator.token)).updateComment, 'comment', 'INVALID_INPUT', ['input', 'body']);
  });

  test('author or host admin deletes', async () => {
    const own = await comment(collaborator, { projectId, body: 'Delete me' });
    expectUserError(dataOf(await graph.request(deleteMutation, { input: { commentId: own } }, editor.token)).deleteComment, 'comment', 'NOT_COMMENT_AUTHOR', ['input', 'commentId']);
    expect(dataOf(await graph.request(deleteMutation, { input: { commentId: own } }, collaborator.token)).deleteComment).toEqual({ comment: { id: own }, userErrors: [] });
    const other = await comment(collaborator, { taskId: assignedTaskId, body: 'Admin removes this', mentionAccountIds: [admin.id] });
    expect(dataOf(await graph.request(deleteMutation, { input: { commentId: other } }, admin.token)).deleteComment.userErrors).toEqual([]);
    expect((await taskComments(admin, assignedTaskId)).nodes.map((node: { id: string }) => node.id)).not.toContain(other);
    expectUserError(dataOf(await graph.request(deleteMutation, { input: { commentId: other } }, admin.token)).deleteComment, 'comment', 'COMMENT_NOT_FOUND', ['input', 'commentId']);
  });
});

describe('pagination', () => {
  test('oldest first, bound cursors', async () => {
    const taskId = await createTask(graph, admin.token, { projectId, title: 'Paged' });
    const ids: string[] = [];
    for (let index = 1; index <= 5; index += 1) ids.push(await comment(editor, { taskId, body: `Comment ${index}` }));
    const first = await taskComments(editor, taskId, 2);
    expect(first.nodes.map((node: { id: string }) => node.id)).toEqual(ids.slice(0, 2));
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(first.totalCount).toBe(5);
    const second = await taskComments(editor, taskId, 2, first.pageInfo.endCursor);
    expect(second.nodes.map((node: { id: string }) => node.id)).toEqual(ids.slice(2, 4));
    const last = await taskComments(editor, taskId, 2, second.edges[1].cursor);
    expect(last.nodes.map((node: { id: string }) => node.id)).toEqual(ids.slice(4));
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });

    for (const first of [0, 101]) singleErrorOf(await graph.request(taskCommentsQuery, { id: taskId, first }, editor.token), 'BAD_USER_INPUT');
    // A cursor of another list is rejected.
    singleErrorOf(await graph.request(projectCommentsQuery, { id: projectId, first: 2, after: first.pageInfo.endCursor }, editor.token), 'BAD_USER_INPUT');
  });

  test('statement count independent of comments', async () => {
    const query = `query($id: ID!) { project(id: $id) {
      comments(first: 100) { totalCount nodes { id body author { id name } mentions { id name } task { id } project { id } } }
      tasks(first: 100) { nodes { id comments(first: 100) { totalCount nodes { id mentions { id } author { name } } } } }
    } }`;
    const measure = async (project: string) => {
      const { response, statements } = await countStatements(graph, query, { id: project }, admin.token);
      dataOf(response);
      return statements;
    };
    const small = await createProject(graph, admin.token, 'Few comments');
    await addProjectMember(graph, admin.token, small, editor.id);
    const smallTask = await createTask(graph, admin.token, { projectId: small, title: 'One' });
    await comment(editor, { projectId: small, body: 'One', mentionAccountIds: [admin.id] });
    await comment(editor, { taskId: smallTask, body: 'One', mentionAccountIds: [admin.id] });

    const big = await createProject(graph, admin.token, 'Many comments');
    await addProjectMember(graph, admin.token, big, editor.id);
    for (let index = 0; index < 3; index += 1) {
      const task = await createTask(graph, admin.token, { projectId: big, title: `Task ${index}` });
      for (let count = 0; count < 4; count += 1) await comment(editor, { taskId: task, body: `On task ${count}`, mentionAccountIds: [admin.id, editor.id] });
    }
    for (let index = 0; index < 8; index += 1) await comment(index % 2 ? editor : admin, { projectId: big, body: `On project ${index}`, isInternal: index % 3 === 0, mentionAccountIds: [editor.id] });

    const few = await measure(small);
    const many = await measure(big);
    expect(many).toBe(few);
    console.info(`comment page statements (${graph.database.driver}): ${few} for 2 comments, ${many} for 20 comments`);
  });
});
