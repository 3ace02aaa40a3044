import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { MissingApiKeyError } from "../../provider/config";
import {
  getAppEnvEncryptPubKey,
  getAppEnvEncryptPubKeyOutput,
  getCvm,
  getKmsInfo,
  getKmsInfoOutput,
  getKmsList,
  getKmsOnChainDetail,
  getNextAppIds,
  InvalidArgumentError,
} from "../../sdk/functions";
import { startServer, type TestServer } from "../support/recording-server";
import { isKnown, outputValue, useMocks } from "./helpers/output";
import { useSettings } from "./helpers/settings";

const API_KEY = "phak_argument_test_key_0123456789";
const APP_ID = "11".repeat(20);

/** Asserts an InvalidArgumentError from `functionName` naming `argument`, without the API key. */
function rejectsArgument(functionName: string, argument: string): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof InvalidArgumentError, `expected InvalidArgumentError, got ${String(error)}`);
    assert.equal(error.functionName, functionName);
    assert.ok(
      error.problems.some((p) => p.argument === argument),
      `expected argument "${argument}" in: ${error.message}`,
    );
    assert.ok(error.message.startsWith(`${functionName}: `), error.message);
    assert.ok(error.message.includes(`argument "${argument}"`), error.message);
    assert.ok(!error.message.includes(API_KEY), "the API key must not appear in the message");
    return true;
  };
}

describe("data-source functions: arguments are checked before any request", () => {
  let server: TestServer;
  let restore: () => void;

  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
    restore = useSettings({ config: { apiKey: API_KEY, apiUrl: server.apiUrl } });
  });
  afterEach(() => {
    restore();
    assert.equal(server.requests.length, 0, "no request may be made for bad arguments");
  });

  const cases: { name: string; call: () => Promise<unknown>; fn: string; argument: string }[] = [
    {
      name: "onchain not a boolean",
      fn: "getKmsList",
      argument: "onchain",
      call: () => getKmsList({ onchain: "yes" as unknown as boolean }),
    },
    {
      name: "misspelt argument",
      fn: "getKmsList",
      argument: "onchian",
      call: () => getKmsList({ onchian: true } as never),
    },
    {
      name: "arguments not an object",
      fn: "getKmsList",
      argument: "(arguments)",
      call: () => getKmsList("all" as never),
    },
    { name: "missing kmsId", fn: "getKmsInfo", argument: "kmsId", call: () => getKmsInfo({} as never) },
    { name: "empty kmsId", fn: "getKmsInfo", argument: "kmsId", call: () => getKmsInfo({ kmsId: "  " }) },
    {
      name: "kmsId with a slash",
      fn: "getKmsInfo",
      argument: "kmsId",
      call: () => getKmsInfo({ kmsId: "../cvms" }),
    },
    {
      name: "missing kms",
      fn: "getAppEnvEncryptPubKey",
      argument: "kms",
      call: () => getAppEnvEncryptPubKey({ appId: APP_ID } as never),
    },
    {
      name: "short app id",
      fn: "getAppEnvEncryptPubKey",
      argument: "appId",
      call: () => getAppEnvEncryptPubKey({ kms: "phala", appId: "abc" }),
    },
    {
      name: "app id not hex",
      fn: "getAppEnvEncryptPubKey",
      argument: "appId",
      call: () => getAppEnvEncryptPubKey({ kms: "phala", appId: "zz".repeat(20) }),
    },
    {
      name: "kmsPublicKey not a SEC1 key",
      fn: "getAppEnvEncryptPubKey",
      argument: "kmsPublicKey",
      call: () =>
        getAppEnvEncryptPubKey({ kms: "phala", appId: APP_ID, kmsPublicKey: `0x05${"ab".repeat(32)}` }),
    },
    {
      name: "unsupported chain",
      fn: "getKmsOnChainDetail",
      argument: "chain",
      call: () => getKmsOnChainDetail({ chain: "polygon" as never }),
    },
    { name: "count 0", fn: "getNextAppIds", argument: "count", call: () => getNextAppIds({ count: 0 }) },
    { name: "count 21", fn: "getNextAppIds", argument: "count", call: () => getNextAppIds({ count: 21 }) },
    { name: "count 1.5", fn: "getNextAppIds", argument: "count", call: () => getNextAppIds({ count: 1.5 }) },
    { name: "empty cvmId", fn: "getCvm", argument: "cvmId", call: () => getCvm({ cvmId: "" }) },
    { name: "cvmId ..", fn: "getCvm", argument: "cvmId", call: () => getCvm({ cvmId: ".." }) },
    {
      name: "cvmId with a control character",
      fn: "getCvm",
      argument: "cvmId",
      call: () => getCvm({ cvmId: "a\u0000b" }),
    },
    {
      name: "cvmId of absurd length",
      fn: "getCvm",
      argument: "cvmId",
      call: () => getCvm({ cvmId: "a".repeat(500) }),
    },
    {
      name: "apiUrl plain http to another machine",
      fn: "getKmsList",
      argument: "apiUrl",
      call: () => getKmsList({ apiUrl: "http://cloud-api.example.com/api/v1" }),
    },
    {
      name: "apiUrl not http",
      fn: "getKmsList",
      argument: "apiUrl",
      call: () => getKmsList({ apiUrl: "ftp://example.com/api/v1" }),
    },
    {
      name: "apiUrl with credentials",
      fn: "getKmsList",
      argument: "apiUrl",
      call: () => getKmsList({ apiUrl: "https://user:pw@example.com/api/v1" }),
    },
    { name: "empty apiKey", fn: "getKmsList", argument: "apiKey", call: () => getKmsList({ apiKey: "" }) },
    {
      name: "apiKey with whitespace",
      fn: "getKmsList",
      argument: "apiKey",
      call: () => getKmsList({ apiKey: `${API_KEY} x` }),
    },
    {
      name: "bad timeout option",
      fn: "getNextAppIds",
      argument: "options.timeoutMs",
      call: () => getNextAppIds({ count: 1 }, { timeoutMs: -5 }),
    },
    {
      name: "unknown option",
      fn: "getKmsList",
      argument: "options.retries",
      call: () => getKmsList({}, { retries: 3 } as never),
    },
  ];

  for (const c of cases) {
    it(`${c.fn}: ${c.name}`, async () => {
      await assert.rejects(c.call(), rejectsArgument(c.fn, c.argument));
    });
  }

  it("lists every bad argument at once and never quotes a value", async () => {
    await assert.rejects(
      getAppEnvEncryptPubKey({ kms: "", appId: "secret-looking-value", apiKey: `${API_KEY} ` }),
      (error: unknown) => {
        assert.ok(error instanceof InvalidArgumentError);
        assert.deepEqual(error.problems.map((p) => p.argument).sort(), ["appId", "kms"]);
        assert.ok(!error.message.includes("secret-looking-value"));
        assert.ok(!error.message.includes(API_KEY));
        return true;
      },
    );
  });

  it("a bad phala:apiUrl from stack config is reported before any request", async () => {
    restore();
    restore = useSettings({ config: { apiKey: API_KEY, apiUrl: "not a url" } });
    await assert.rejects(getKmsList(), rejectsArgument("getKmsList", "apiUrl"));
  });

  it("phala:apiUrl with plain http is refused for another machine (loopback http is what every other test uses)", async () => {
    restore();
    restore = useSettings({ config: { apiKey: API_KEY, apiUrl: "http://10.0.0.1:8080/api/v1" } });
    await assert.rejects(getKmsList(), rejectsArgument("getKmsList", "apiUrl"));
  });

  it("no API key anywhere: MissingApiKeyError before any request", async () => {
    restore();
    restore = useSettings({ config: { apiUrl: server.apiUrl } });
    await assert.rejects(getKmsList(), MissingApiKeyError);
  });
});

describe("data-source functions: Output forms validate inside the apply", () => {
  let server: TestServer;
  let restore: () => void;

  before(async () => {
    server = await startServer();
    await useMocks(false);
  });
  after(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
    restore = useSettings({ config: { apiKey: API_KEY, apiUrl: server.apiUrl } });
  });
  afterEach(() => restore());

  it("rejects the output with the argument error and makes no request", async () => {
    const result = getKmsInfoOutput({ kmsId: pulumi.output("a b") });
    await assert.rejects(outputValue(result), rejectsArgument("getKmsInfo", "kmsId"));
    assert.equal(server.requests.length, 0);
  });

  it("with an unknown argument during preview, the result is unknown and nothing is called", async () => {
    await useMocks(true);
    try {
      const unknownAppId: pulumi.Output<string> = pulumi.output(pulumi.unknown as unknown as string);
      const result = getAppEnvEncryptPubKeyOutput({ kms: "phala", appId: unknownAppId });
      assert.equal(await isKnown(result), false);
      assert.equal(server.requests.length, 0);
    } finally {
      await useMocks(false);
    }
  });
});
