import assert from "node:assert/strict";
import { useEmulator } from "../support/fixtures";
import { api } from "./helpers";

// The CVM listing, a key of another workspace (404 for every CVM, as the API answers), deleted CVMs.
describe("emulator: workspaces, the CVM listing and deleted CVMs", () => {
  const emulator = useEmulator({ seeds: [] });

  it("GET /cvms/paginated lists the workspace's CVMs with their workspace, page by page", async () => {
    const a = await emulator.createCvm({ name: "ws-list-a", kms: "phala" });
    const b = await emulator.createCvm({ name: "ws-list-b", kms: "phala" });
    const page = await api(emulator, "GET", "/cvms/paginated?page=1&page_size=100");
    assert.equal(page.status, 200);
    const body = page.body as { items: { id: string; workspace: { id: string } }[]; total: number };
    const ids = body.items.map((item) => item.id);
    assert.ok(ids.includes(a.id) && ids.includes(b.id));
    assert.equal(body.total, body.items.length);
    for (const item of body.items) assert.equal(item.workspace.id, body.items[0]?.workspace.id);
    const second = await api(emulator, "GET", "/cvms/paginated?page=2&page_size=1");
    assert.equal((second.body as { items: unknown[] }).items.length, 1);
    assert.equal((await api(emulator, "GET", "/cvms/paginated?page_size=101")).status, 422);
  });

  it("a key of another workspace: every CVM is a 404 and the listing is empty; KMS routes answer", async () => {
    const cvm = await emulator.createCvm({ name: "ws-other", kms: "phala" });
    const key = emulator.otherWorkspaceApiKey;
    for (const path of [`/cvms/${cvm.id}`, `/cvms/${cvm.id}/compose_file`, `/cvms/${cvm.id}/operations`]) {
      const answer = await api(emulator, "GET", path, { apiKey: key });
      assert.equal(answer.status, 404, path);
      assert.deepEqual(answer.body, { detail: "CVM not found" });
    }
    const patch = await api(emulator, "PATCH", `/cvms/${cvm.id}/envs`, {
      apiKey: key,
      body: { encrypted_env: "00", env_keys: [] },
    });
    assert.equal(patch.status, 404);
    const list = await api(emulator, "GET", "/cvms/paginated", { apiKey: key });
    assert.deepEqual((list.body as { items: unknown[] }).items, []);
    assert.equal((await api(emulator, "GET", "/kms", { apiKey: key })).status, 200);
    assert.equal((await api(emulator, "GET", "/cvms/paginated", { apiKey: "phak_unknown" })).status, 401);
  });

  it("a deleted CVM answers 404 by every identifier and leaves the listing", async () => {
    const cvm = await emulator.createCvm({ name: "ws-deleted", kms: "phala" });
    emulator.deleteCvm(cvm.name);
    for (const id of [cvm.id, cvm.name, `app_${cvm.app_id}`]) {
      assert.equal((await api(emulator, "GET", `/cvms/${id}`)).status, 404, id);
    }
    const list = await api(emulator, "GET", "/cvms/paginated?page_size=100");
    assert.ok(!(list.body as { items: { id: string }[] }).items.some((item) => item.id === cvm.id));
  });
});
