import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { CvmEnvironment, type CvmEnvironmentArgs } from "pulumi-phala";
import { useEmulator } from "../support/fixtures";
import {
  cvmEnvironmentSteps,
  emulatorStack,
  newTranscript,
  providePulumiCli,
  recorder,
} from "./engine-fixture";

type Engine = Awaited<ReturnType<typeof emulatorStack>>;

/**
 * Nothing lost through the real pulumi CLI: two stacks on one CVM, a destroy with the API key of
 * another workspace, and another identifier of the same CVM.
 */
describe("engine: one writer per CVM, no 404 taken for deletion, no replacement for an alias", function () {
  this.timeout(600_000);

  const emulator = useEmulator({ settings: { operationDurationMs: 150 } });
  let cvm: { id: string; name: string; app_id: string };
  const args: Record<"a" | "b", CvmEnvironmentArgs> = {
    a: { cvmId: "", env: {} },
    b: { cvmId: "", env: {} },
  };
  const engines: Partial<Record<"a" | "b", Engine>> = {};
  const engine = (name: "a" | "b"): Engine => {
    const found = engines[name];
    assert.ok(found);
    return found;
  };
  const value = (label: string) => `${label}-${randomBytes(8).toString("hex")}`;
  const failure = (run: Promise<unknown>) =>
    run.then(
      () => assert.fail("the engine run must fail"),
      (error: Error) => error,
    );
  const stateOutputs = async (name: "a" | "b") => {
    const deployment = (await engine(name).stack.exportStack()).deployment as {
      resources?: { type: string; outputs?: Record<string, unknown> }[];
    };
    return deployment.resources?.find((r) => r.type === "pulumi-nodejs:dynamic:CvmEnvironment")?.outputs;
  };

  before(async function () {
    providePulumiCli(this);
    cvm = await emulator.createCvm({ name: "one-writer-engine", kms: "phala" });
    for (const name of ["a", "b"] as const) {
      engines[name] = await emulatorStack(emulator, `writer-${name}`, async () => {
        new CvmEnvironment("env", args[name]);
        return {};
      });
    }
  });
  after(async () => {
    for (const e of Object.values(engines)) await e?.dispose();
  });

  const first = value("a");
  const second = value("b");

  it("a second stack's create on the same CVM stops, with the same key names too, and names adoptExistingEnv", async () => {
    args.a = { cvmId: cvm.name, env: { TOKEN: first } };
    await engine("a").stack.up();
    args.b = { cvmId: cvm.id, env: { TOKEN: second } };
    const refused = await failure(engine("b").stack.up());
    assert.match(refused.message, /written outside this resource/);
    assert.match(refused.message, /adoptExistingEnv: true/);
    assert.deepEqual(emulator.inspectCvm(cvm.id).env, { TOKEN: first });
  });

  it("after an explicit adoption by the second stack: the first one's refresh reports it, its update and destroy refuse", async () => {
    args.b = { cvmId: cvm.id, env: { TOKEN: second }, adoptExistingEnv: true };
    await engine("b").stack.up();
    const foreign = (await stateOutputs("b"))?.correlationId;
    assert.ok(typeof foreign === "string");

    const transcript = newTranscript();
    await engine("a").stack.refresh(recorder(transcript));
    assert.equal((await stateOutputs("a"))?.foreignEnvWrite, foreign);
    assert.ok(transcript.output.join("").includes(foreign), "refresh printed the foreign operation");

    args.a = { cvmId: cvm.name, env: { TOKEN: value("a2") } };
    assert.match((await failure(engine("a").stack.up())).message, /overwriteForeignEnv: true/);
    assert.match((await failure(engine("a").stack.destroy())).message, /overwriteForeignEnv: true/);
    assert.deepEqual(emulator.inspectCvm(cvm.id).env, { TOKEN: second }, "the second stack's env is intact");
  });

  it("destroy with the API key of another workspace: fails, the env stays on the CVM, the resource stays in state", async () => {
    const b = engine("b").stack;
    // Destroy runs the provider with the configuration state holds, so the key is changed through
    // an `up` that changes nothing else (and sends nothing).
    const useKey = async (apiKey: string) => {
      await b.setConfig("phala:apiKey", { value: apiKey, secret: true });
      await b.up();
    };
    await useKey(emulator.otherWorkspaceApiKey);
    const error = await failure(b.destroy());
    assert.match(error.message, /does not prove the CVM is gone/);
    assert.deepEqual(emulator.inspectCvm(cvm.id).env, { TOKEN: second });
    assert.ok(await stateOutputs("b"), "still in state");
    await failure(b.refresh());
    assert.ok(await stateOutputs("b"), "refresh did not drop it either");
    await useKey(emulator.apiKey);
  });

  it("another identifier of the same CVM (app_<id> for its id) is an update without a request, not a replacement", async () => {
    args.b = { cvmId: `app_${cvm.app_id}`, env: { TOKEN: second }, adoptExistingEnv: true };
    const transcript = newTranscript();
    await engine("b").stack.preview(recorder(transcript));
    const steps = cvmEnvironmentSteps(transcript.events).map((s) => s.op);
    assert.ok(
      !steps.some((op) => op.includes("replace") || op === "delete" || op === "create"),
      steps.join(),
    );
    emulator.resetRequests();
    await engine("b").stack.up();
    assert.equal(emulator.requests().filter((r) => r.method === "PATCH").length, 0, "no env request");
    assert.deepEqual(emulator.inspectCvm(cvm.id).env, { TOKEN: second });
  });
});
