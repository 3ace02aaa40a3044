import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CvmEnvironment } from "pulumi-phala";
import { createPublicClient, http } from "viem";
import { foundry } from "viem/chains";
import { dstackAppAbi, type SeededCvm } from "../../emulator";
import { useEmulator } from "../support/fixtures";
import {
  cvmEnvironmentSteps,
  emulatorStack,
  newTranscript,
  providePulumiCli,
  recorder,
  type Transcript,
} from "./engine-fixture";

/** One resource of the inline program: the test edits `declared` between engine runs. */
interface Declared {
  name: string;
  cvmId: string;
  env: Record<string, string>;
  adoptExistingEnv?: boolean;
}

const secret = (label: string) => `${label}-${randomBytes(8).toString("hex")}`;

describe("engine: CvmEnvironment on the real pulumi CLI (Automation API, inline programs)", function () {
  this.timeout(600_000);

  const emulator = useEmulator({ settings: { operationDurationMs: 150 } });
  let web: SeededCvm;
  let worker: SeededCvm;
  let multisig: SeededCvm;
  let engine: Awaited<ReturnType<typeof emulatorStack>>;
  let declared: Declared[] = [];
  const transcript: Transcript = newTranscript();
  /** Snapshots of the raw state file (what `pulumi stack export` shows only with --show-secrets). */
  const checkpoints: string[] = [];
  const checkpoint = () =>
    readFileSync(
      join(engine.stateDir, "backend", ".pulumi", "stacks", "pulumi-phala-e2e", "e2e.json"),
      "utf8",
    );
  const secrets = {
    token: secret("tok"),
    token2: secret("tok2"),
    db: secret("db"),
    flag: secret("flag"),
    region: secret("region"),
  };

  const program = async () => {
    const outputs: Record<string, unknown> = {};
    for (const d of declared) {
      const env = new CvmEnvironment(d.name, {
        cvmId: d.cvmId,
        env: d.env,
        adoptExistingEnv: d.adoptExistingEnv,
      });
      outputs[`${d.name}Keys`] = env.envKeys;
      outputs[`${d.name}Tx`] = env.registrationTransactionHash;
      outputs[`${d.name}Hash`] = env.composeHash;
    }
    return outputs;
  };

  /** The Safe that owns the multisig app executes the calldata an OwnerActionRequired error carries. */
  const ownerRegisters = async (failure: Error) => {
    const calldata = failure.message.match(/0xdfc77223[0-9a-f]{64}/)?.[0] as `0x${string}` | undefined;
    assert.ok(calldata, "the error carries the addComposeHash calldata");
    return emulator.safe.execute([{ to: multisig.app_contract as `0x${string}`, value: 0n, data: calldata }]);
  };
  const failureOf = (run: Promise<unknown>, why: string) =>
    run.then(
      () => assert.fail(why),
      (error: Error) => error,
    );

  const chain = () => createPublicClient({ chain: foundry, transport: http(emulator.chain.rpcUrl) });
  const nonceOf = (address: `0x${string}`) => chain().getTransactionCount({ address });

  before(async function () {
    providePulumiCli(this);
    const find = (name: string) => {
      const cvm = emulator.cvms.find((c) => c.name === name);
      if (!cvm) throw new Error(`emulator has no seed ${name}`);
      return cvm;
    };
    web = find("phala-env-demo");
    worker = find("onchain-env-demo");
    multisig = find("multisig-env-demo");
    engine = await emulatorStack(emulator, "e2e", program);
  });

  after(async () => {
    await engine?.dispose();
  });

  it("1. up creates the environment on the Phala-KMS CVM; the CVM holds exactly the declared env", async () => {
    declared = [{ name: "web", cvmId: web.name, env: { LOG_LEVEL: "info", API_TOKEN: secrets.token } }];
    const result = await engine.stack.up(recorder(transcript));
    assert.equal(result.summary.resourceChanges?.create, 2); // the stack and the environment
    const inside = emulator.inspectCvm(web.id);
    assert.deepEqual(inside.env, { LOG_LEVEL: "info", API_TOKEN: secrets.token });
    assert.deepEqual(inside.allowed_envs, ["API_TOKEN", "LOG_LEVEL"]);
    assert.deepEqual(result.outputs.webKeys?.value, ["API_TOKEN", "LOG_LEVEL"]);
  });

  it("2. preview names an added key, a changed key, and nothing for a reorder", async () => {
    const previewOf = async () => {
      const events = newTranscript();
      const result = await engine.stack.preview({ diff: true, ...recorder(events) });
      transcript.events.push(...events.events);
      transcript.output.push(result.stdout);
      return { steps: cvmEnvironmentSteps(events.events), stdout: result.stdout };
    };

    declared = [
      {
        name: "web",
        cvmId: web.name,
        env: { LOG_LEVEL: "info", API_TOKEN: secrets.token, REGION: secrets.region },
      },
    ];
    const added = await previewOf();
    assert.equal(added.steps[0]?.op, "update");
    assert.equal(added.steps[0]?.detailedDiff["envRevisions.REGION"]?.diffKind, "add");
    assert.match(added.stdout, /REGION/);
    assert.ok(!added.stdout.includes(secrets.region), "the added value is not in the preview");

    declared = [{ name: "web", cvmId: web.name, env: { LOG_LEVEL: "info", API_TOKEN: secrets.token2 } }];
    const changed = await previewOf();
    assert.equal(changed.steps[0]?.op, "update");
    assert.deepEqual(
      Object.keys(changed.steps[0]?.detailedDiff ?? {}).filter((k) => !k.startsWith("env.") && k !== "env"),
      ["envRevisions.API_TOKEN"],
    );
    assert.equal(changed.steps[0]?.detailedDiff["envRevisions.API_TOKEN"]?.diffKind, "update");

    declared = [{ name: "web", cvmId: web.name, env: { API_TOKEN: secrets.token, LOG_LEVEL: "info" } }];
    const reordered = await previewOf();
    assert.equal(reordered.steps[0]?.op, "same");
  });

  it("3. a key-set change on the on-chain CVM runs both phases with one real transaction", async () => {
    const owner = emulator.appOwner.address;
    declared = [
      { name: "web", cvmId: web.name, env: { LOG_LEVEL: "info", API_TOKEN: secrets.token } },
      { name: "worker", cvmId: worker.app_id, env: { DATABASE_URL: secrets.db } },
    ];
    let nonce = await nonceOf(owner);
    await engine.stack.up(recorder(transcript));
    assert.equal(await nonceOf(owner), nonce + 1, "creating with a new key set sends one transaction");

    declared[1] = {
      name: "worker",
      cvmId: worker.app_id,
      env: { DATABASE_URL: secrets.db, FEATURE_FLAG: secrets.flag },
    };
    nonce = await nonceOf(owner);
    const result = await engine.stack.up(recorder(transcript));
    assert.equal(await nonceOf(owner), nonce + 1, "one addComposeHash transaction");
    const tx = result.outputs.workerTx?.value as `0x${string}`;
    const hash = result.outputs.workerHash?.value as string;
    const receipt = await chain().getTransactionReceipt({ hash: tx });
    assert.equal(receipt.status, "success");
    assert.equal(receipt.to?.toLowerCase(), worker.app_contract?.toLowerCase());
    const allowed = await chain().readContract({
      address: worker.app_contract as `0x${string}`,
      abi: dstackAppAbi,
      functionName: "allowedComposeHashes",
      args: [`0x${hash.replace(/^0x/, "")}`],
    });
    assert.equal(allowed, true);
    const inside = emulator.inspectCvm(worker.id);
    assert.equal(inside.status, "running");
    assert.deepEqual(inside.env, { DATABASE_URL: secrets.db, FEATURE_FLAG: secrets.flag });
    assert.equal(inside.compose_hash.replace(/^0x/, ""), hash.replace(/^0x/, ""));
  });

  it("4. not-owner CVM: up fails with what the owner must sign; after the owner registers, up succeeds without another transaction", async () => {
    const signer = emulator.appOwner.address;
    declared.push({
      name: "vault",
      cvmId: multisig.id,
      env: { VAULT_TOKEN: secrets.token },
      adoptExistingEnv: true,
    });
    const nonce = await nonceOf(signer);
    const failure = await failureOf(
      engine.stack.up(recorder(transcript)),
      "up should fail: the signer does not own the app contract",
    );
    assert.match(failure.message, new RegExp(multisig.app_contract ?? "no contract", "i"));
    assert.match(failure.message, /chain 31337/);
    assert.match(failure.message, /run `pulumi up` again/);
    assert.equal(await nonceOf(signer), nonce, "the non-owner sent nothing");
    const ownerTx = await ownerRegisters(failure);

    const result = await engine.stack.up(recorder(transcript));
    assert.equal(result.outputs.vaultTx?.value, ownerTx);
    assert.equal(
      await nonceOf(signer),
      nonce,
      "the resumed up found the owner's transaction instead of sending",
    );
    assert.deepEqual(emulator.inspectCvm(multisig.id).env, { VAULT_TOKEN: secrets.token });
  });

  it("5. refresh detects an allowed-key change made outside Pulumi", async () => {
    await emulator.setAllowedEnvs(web.id, ["LOG_LEVEL"]);
    const refresh = await engine.stack.refresh(recorder(transcript));
    assert.equal(refresh.summary.resourceChanges?.update, 1);
    const events = newTranscript();
    await engine.stack.preview({ diff: true, ...recorder(events) });
    transcript.events.push(...events.events);
    const webStep = cvmEnvironmentSteps(events.events).find((s) => s.name === "web");
    assert.equal(webStep?.op, "update", "the next preview puts API_TOKEN back");
    assert.ok(webStep && Object.keys(webStep.detailedDiff).some((k) => k.includes("API_TOKEN")));
    checkpoints.push(checkpoint());
  });

  it("6. destroy clears every environment (the multisig owner signs its part)", async () => {
    const failure = await failureOf(
      engine.stack.destroy(recorder(transcript)),
      "clearing the multisig CVM's keys needs its owner",
    );
    await ownerRegisters(failure);
    await engine.stack.destroy(recorder(transcript));
    for (const cvm of [web, worker, multisig]) {
      assert.deepEqual(emulator.inspectCvm(cvm.id).allowed_envs, [], `${cvm.name} allowed keys`);
      assert.deepEqual(emulator.inspectCvm(cvm.id).env, {}, `${cvm.name} env`);
    }
    const state = JSON.parse(checkpoint()) as { checkpoint: { latest: { resources?: unknown[] } } };
    assert.equal(state.checkpoint.latest.resources?.length ?? 0, 0);
  });

  it("8. state and everything the engine printed hold no env value, API key or private key", async () => {
    checkpoints.push(checkpoint());
    const forbidden = {
      ...secrets,
      apiKey: emulator.apiKey,
      privateKey: emulator.appOwner.privateKey.replace(/^0x/, ""),
    };
    const sdkDebug = /^(RegisterResource|ReadResource) RPC finished: /;
    const pieces: [string, string][] = [
      ...checkpoints.map((text, i): [string, string] => [`state file #${i}`, text]),
      ...transcript.output.map((text, i): [string, string] => [`CLI output #${i}`, text]),
      ...transcript.events
        // The Pulumi Node.js SDK itself logs every RegisterResource/ReadResource response at debug
        // severity, secret outputs included (shown only with --debug). That is upstream behaviour
        // for every provider; everything else must be clean.
        .filter(
          (e) =>
            !(
              (e.diagnosticEvent?.severity as string | undefined) === "debug" &&
              sdkDebug.test(e.diagnosticEvent?.message ?? "")
            ),
        )
        .map((e, i): [string, string] => [`engine event #${i}`, JSON.stringify(e)]),
    ];
    for (const [label, value] of Object.entries(forbidden)) {
      for (const [where, text] of pieces) assert.ok(!text.includes(value), `${label} appears in ${where}`);
    }
    assert.ok(transcript.events.length > 100, "the transcript really holds the engine's events");
    assert.match(checkpoints[0] ?? "", /"ciphertext"/, "secret inputs are stored encrypted");
    assert.match(checkpoints[0] ?? "", /"envKeys"/, "the state file was read before destroy");
  });
});
