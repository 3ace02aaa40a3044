import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { CvmEnvironment, type CvmEnvironmentArgs } from "pulumi-phala";
import { createLocalEngine, type LocalEngine } from "../../scripts/engine/local-engine";
import { newTranscript, providePulumiCli, REPO_ROOT, recorder, type Transcript } from "./engine-fixture";

/** Random markers: a search for them cannot match anything the engine prints by itself. */
const marker = (label: string) => `${label}${randomBytes(12).toString("hex")}`;
const CVM = "app_50b0e827cc6c53f4010b57e588a18c5ef9388cc1";

interface Mistake {
  name: string;
  /** The inputs of the one resource; each holds `secret` somewhere it must not come out of. */
  args: (secret: string) => CvmEnvironmentArgs;
  /** What the reported failure says, so the test knows the engine did report it. */
  reported: RegExp;
  /** How the secret is written inside `args` (the form to search for). */
  forms?: (secret: string) => string[];
}

/** 64 hex digits above the secp256k1 order: its upper half is all f. */
const outOfRangeKey = (secret: string) =>
  `ffffffffffffffffffffffffffffffff${Buffer.from(secret).toString("hex").slice(-32)}`;

const MISTAKES: Mistake[] = [
  {
    name: "a private key out of the curve's range",
    args: (secret) => ({ cvmId: CVM, env: {}, privateKey: pulumi.secret(outOfRangeKey(secret)) }),
    reported: /privateKey: is not a valid secp256k1 private key/,
    forms: (secret) => [
      secret.slice(-32),
      BigInt(`0x${outOfRangeKey(secret)}`)
        .toString()
        .slice(0, 24),
    ],
  },
  {
    name: "a private key that is no hex at all",
    args: (secret) => ({ cvmId: CVM, env: {}, privateKey: secret }),
    reported: /privateKey: must be a 32-byte hex private key/,
  },
  {
    name: "a websocket RPC URL with its key in the path",
    args: (secret) => ({ cvmId: CVM, env: {}, rpcUrl: pulumi.secret(`wss://rpc.example/v2/${secret}`) }),
    reported: /rpcUrl: must be an http\(s\) URL/,
  },
  {
    name: "an invalid env key name next to a secret value",
    args: (secret) => ({ cvmId: CVM, env: { "1-BAD": "x", API_TOKEN: secret } }),
    reported: /env: key "1-BAD"/,
  },
  {
    name: "a non-string env value next to a secret value",
    args: (secret) => ({ cvmId: CVM, env: { A: 5 as never, API_TOKEN: secret } }),
    reported: /env\.A: every env value must be a string/,
  },
  {
    name: "an encryptedEnv that is not hex",
    args: (secret) => ({ cvmId: CVM, encryptedEnv: `zz${secret}`, envKeys: ["A"] }),
    reported: /encryptedEnv: must be a hex string/,
  },
  {
    name: "env and encryptedEnv together",
    args: (secret) => ({ cvmId: CVM, env: { API_TOKEN: secret }, encryptedEnv: "00ff", envKeys: ["A"] }),
    reported: /encryptedEnv: env and encryptedEnv are mutually exclusive/,
  },
  {
    name: "an input the resource does not have",
    args: (secret) => ({ cvmId: CVM, env: {}, apiToken: pulumi.secret(secret) }) as CvmEnvironmentArgs,
    reported: /apiToken: is not an input of CvmEnvironment/,
  },
];

describe("engine: a check failure prints no secret input (real pulumi CLI, stdout and event stream)", function () {
  this.timeout(600_000);

  let engine: LocalEngine;
  let current: CvmEnvironmentArgs = { cvmId: CVM, env: {} };

  before(async function () {
    providePulumiCli(this);
    engine = await createLocalEngine({
      projectName: "pulumi-phala-check",
      main: REPO_ROOT,
      stackName: "check",
      program: async () => {
        new CvmEnvironment("env", current);
      },
    });
    // Never contacted: preview of a new resource runs check and nothing else.
    await engine.stack.setAllConfig({
      "phala:apiUrl": { value: "https://cloud-api.invalid/api/v1" },
      "phala:apiKey": { value: marker("phak_"), secret: true },
    });
  });

  after(async () => {
    await engine?.dispose();
  });

  const everything = (transcript: Transcript) => [
    ...transcript.output,
    ...transcript.events
      // The SDK logs each registration at debug severity, secret inputs included: upstream, and only
      // with --debug (README "Where secrets go"). The engine's own diagnostics are all kept.
      .filter((e) => (e.diagnosticEvent?.severity as string | undefined) !== "debug")
      .map((e) => JSON.stringify(e)),
  ];

  for (const mistake of MISTAKES) {
    it(`preview with ${mistake.name}: the failure is reported, the value is not`, async () => {
      const secret = marker("s3cr3t");
      current = mistake.args(secret);
      const transcript = newTranscript();
      const failure = await engine.stack.preview(recorder(transcript)).then(
        () => assert.fail("preview must fail"),
        (error: Error) => error,
      );
      const texts = [...everything(transcript), failure.message];
      assert.ok(
        texts.some((text) => mistake.reported.test(text)),
        `the engine reported ${mistake.reported}`,
      );
      assert.ok(
        transcript.events.some((e) => e.diagnosticEvent?.severity === "error"),
        "an error diagnostic event",
      );
      for (const form of [secret, ...(mistake.forms?.(secret) ?? [])]) {
        for (const [i, text] of texts.entries()) assert.ok(!text.includes(form), `${form} in #${i}: ${text}`);
      }
    });
  }

  it("preview with a private key that ends in a newline: accepted as the key it is, never printed", async () => {
    const key = randomBytes(32).toString("hex");
    current = { cvmId: CVM, env: { A: "1" }, privateKey: pulumi.secret(`0x${key}\n`) };
    const transcript = newTranscript();
    await engine.stack.preview(recorder(transcript));
    for (const text of everything(transcript)) assert.ok(!text.includes(key));
  });
});
