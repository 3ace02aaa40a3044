import assert from "node:assert/strict";
import path from "node:path";
import * as ts from "typescript";
import { INPUT_NAMES, PROPERTY_NAMES } from "../../provider/cvm-environment/properties";

describe("CvmEnvironment: the declaration's doc comments reach users", function () {
  this.timeout(120_000);

  /** What an IDE shows for each property of the SDK's args and of the class, read by the type checker. */
  function sdkDocs(): { args: Map<string, string>; outputs: Map<string, string> } {
    const probe = path.join(__dirname, "property-docs.probe.ts");
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
