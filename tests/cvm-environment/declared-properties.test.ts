import assert from "node:assert/strict";
import path from "node:path";
import * as ts from "typescript";
import { type Emulator, startEmulator } from "../../emulator";
import {
  ALWAYS_PRESENT_NAMES,
  INPUT_NAMES,
  PROPERTY_NAMES,
  type PropertyName,
} from "../../provider/cvm-environment/properties";
import { OneResourceStack, providerFor } from "./helpers/harness";

describe("CvmEnvironment: every declared property is produced", function () {
  this.timeout(120_000);
  let emu: Emulator;

  before(async () => {
    emu = await startEmulator({ settings: { operationDurationMs: 100 } });
  });
  after(async () => {
    await emu?.stop();
  });

  it("a create returns every output declared as always present", async () => {
    const cvmId = (await emu.createCvm({ name: "declared-always", kms: "phala" })).id;
    const stack = new OneResourceStack((await providerFor(emu)).provider);
    await stack.up({ cvmId, env: { A: "1" } });
    const outputs = stack.state?.outputs ?? {};
    assert.deepEqual(
      ALWAYS_PRESENT_NAMES.filter((name) => outputs[name] === undefined),
      [],
    );
  });

  it("an on-chain create and a refresh after a foreign write produce every property but the unset inputs", async () => {
    const { id: cvmId } = await emu.createCvm({
      name: "declared-all",
      kms: "onchain",
      owner: emu.appOwner.address,
    });
    const given: Partial<Record<PropertyName, unknown>> = {
      cvmId,
      env: { A: "1" },
      privateKey: emu.appOwner.privateKey,
      rpcUrl: emu.chain.rpcUrl,
      waitForReady: true,
      readyTimeoutSeconds: 120,
      verifyComposeHash: true,
      allowUnverifiedEnvPublicKey: false,
      adoptExistingEnv: false,
      overwriteForeignEnv: false,
    };
    const ours = new OneResourceStack((await providerFor(emu)).provider);
    await ours.up(given);
    const created = Object.keys(ours.state?.outputs ?? {});

    const other = new OneResourceStack((await providerFor(emu)).provider);
    await other.up({ cvmId, env: { A: "2" }, adoptExistingEnv: true });
    await ours.refresh();
    const produced = new Set([...created, ...Object.keys(ours.state?.outputs ?? {})]);

    const unsetInputs = INPUT_NAMES.filter(
      (name) => given[name] === undefined && !ALWAYS_PRESENT_NAMES.includes(name),
    );
    assert.deepEqual(unsetInputs, ["encryptedEnv"], "the other mode's input, exclusive with env");
    assert.deepEqual(
      PROPERTY_NAMES.filter((name) => !produced.has(name)),
      unsetInputs,
    );
  });
});

describe("CvmEnvironment: the declaration's doc comments reach users", function () {
  this.timeout(120_000);

  /** What an IDE shows for each property of the SDK's args and of the class, read by the type checker. */
  function sdkDocs(): { args: Map<string, string>; outputs: Map<string, string> } {
    const probe = path.join(__dirname, "declared-properties.probe.ts");
    const text =
      'import type { CvmEnvironment, CvmEnvironmentArgs } from "../../sdk";\n' +
      "export type Args = CvmEnvironmentArgs;\nexport type Outputs = CvmEnvironment;\n";
    const options: ts.CompilerOptions = {
      strict: true,
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      types: ["node"],
      noEmit: true,
    };
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile;
    host.getSourceFile = (name, version, ...rest) =>
      name === probe ? ts.createSourceFile(name, text, version) : getSourceFile(name, version, ...rest);
    const fileExists = host.fileExists;
    host.fileExists = (name) => name === probe || fileExists(name);
    const program = ts.createProgram([probe], options, host);
    const checker = program.getTypeChecker();
    const source = program.getSourceFile(probe);
    assert.ok(source);
    const docsOf = (alias: string) => {
      const declaration = source.statements.find(
        (s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && s.name.text === alias,
      );
      assert.ok(declaration, alias);
      const type = checker.getTypeAtLocation(declaration.name);
      return new Map(
        checker
          .getPropertiesOfType(type)
          .map((p) => [p.name, ts.displayPartsToString(p.getDocumentationComment(checker))]),
      );
    };
    return { args: docsOf("Args"), outputs: docsOf("Outputs") };
  }

  it("every input on CvmEnvironmentArgs and every output on CvmEnvironment carries its doc comment", () => {
    const { args, outputs } = sdkDocs();
    assert.deepEqual([...args.keys()].sort(), [...INPUT_NAMES].sort());
    for (const name of INPUT_NAMES) assert.ok(args.get(name), `args.${name} has a doc comment`);
    for (const name of PROPERTY_NAMES)
      assert.ok(outputs.get(name), `CvmEnvironment.${name} has a doc comment`);
  });
});
