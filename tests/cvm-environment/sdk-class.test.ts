import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { PROPERTY_NAMES } from "../../provider/cvm-environment/properties";
import { CvmEnvironment } from "../../sdk";
import { envKeysCarried } from "../../sdk/cvm-environment/env-keys-carried";
import { loadSerializedProvider } from "./helpers/load-serialized";

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

describe("CvmEnvironment SDK class (mocks)", () => {
  const registered: pulumi.runtime.MockResourceArgs[] = [];

  before(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push(args);
          return { id: "cvm_mock", state: { ...args.inputs, canonicalCvmId: "cvm_mock" } };
        },
        call: () => ({}),
      },
      "project",
      "stack",
      false,
    );
  });

  it("registers pulumi-nodejs:dynamic:CvmEnvironment with secret env/credentials and the shim as __provider", async () => {
    const resource = new CvmEnvironment("app-env", {
      cvmId: "app_50b0e827cc6c53f4010b57e588a18c5ef9388cc1",
      env: { API_KEY: "value-1" },
      privateKey: `0x${"11".repeat(32)}`,
      rpcUrl: "http://127.0.0.1:8545",
    });
    const id = await new Promise((resolve) => resource.id.apply(resolve));
    assert.equal(id, "cvm_mock");
    const args = registered.find((r) => r.name === "app-env");
    assert.ok(args);
    assert.equal(args.type, "pulumi-nodejs:dynamic:CvmEnvironment");
    for (const key of ["env", "privateKey", "rpcUrl"]) {
      assert.equal(args.inputs[key]?.[SECRET_SIG], "1b47061264138c4ac30d75fd1eb44270", `${key} is secret`);
    }
    assert.equal(typeof args.inputs.__provider, "string");
    const provider = loadSerializedProvider(args.inputs.__provider);
    const checked = await provider.check?.({}, { cvmId: "app_1", env: { A: "1" } });
    assert.deepEqual(checked?.inputs.envRevisions, { A: 1 });
    const canonical = await new Promise((resolve) => resource.canonicalCvmId.apply(resolve));
    assert.equal(canonical, "cvm_mock");
  });

  it("every declared property is an output of the class, set by the program or not", async () => {
    const resource = new CvmEnvironment("minimal-env", { cvmId: "cvm_x", env: { A: "1" } });
    await new Promise((resolve) => resource.id.apply(resolve));
    const outputs = Object.entries(resource)
      .filter(([key, value]) => pulumi.Output.isInstance(value) && !["urn", "id", "__provider"].includes(key))
      .map(([key]) => key);
    assert.deepEqual(outputs.sort(), [...PROPERTY_NAMES].sort());
  });

  it("an env key Pulumi's serialization would drop (__proto__) is carried under its escaped property key", async () => {
    const env = JSON.parse('{"__proto__": "v", "A": "1"}') as Record<string, string>;
    assert.ok(Object.hasOwn(env, "__proto__"));
    const resource = new CvmEnvironment("proto-env", { cvmId: "cvm_x", env });
    await new Promise((resolve) => resource.id.apply(resolve));
    const args = registered.find((r) => r.name === "proto-env");
    assert.deepEqual(args?.inputs.env?.value, { "__proto__\u200b": "v", A: "1" });
    assert.deepEqual(
      await Promise.resolve(envKeysCarried(Promise.resolve(env))),
      { "__proto__\u200b": "v", A: "1" },
      "a map that arrives later is escaped when it arrives",
    );
  });

  describe("the stacks the runtime formats while a resource registers", () => {
    /** Constructs a resource and counts the stack traces formatted with at least one frame meanwhile. */
    const stacksFormatted = (name: string): number => {
      const original = Error.prepareStackTrace;
      let formatted = 0;
      Error.prepareStackTrace = (error, frames) => {
        if (frames.length > 0) formatted++;
        return original ? original(error, frames) : `${error}`;
      };
      const limit = Error.stackTraceLimit;
      try {
        new CvmEnvironment(name, { cvmId: "cvm_x", env: { A: "1" } });
        assert.equal(Error.stackTraceLimit, limit, "the limit is restored");
      } finally {
        Error.prepareStackTrace = original;
      }
      return formatted;
    };

    it("are skipped for the promises made per property; the source position is still captured", () => {
      // One stack: the runtime's own capture of the resource's source position.
      assert.equal(stacksFormatted("stackless-env"), 1);
    });

    it("are kept when PULUMI_DEBUG_PROMISE_LEAKS asks for them", () => {
      process.env.PULUMI_DEBUG_PROMISE_LEAKS = "true";
      try {
        assert.ok(stacksFormatted("leak-debug-env") > PROPERTY_NAMES.length);
      } finally {
        delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
      }
    });
  });
});
