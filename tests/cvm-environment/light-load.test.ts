import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

const PROVIDER = resolve(__dirname, "../../provider/index.ts");
const SDK = resolve(__dirname, "../../sdk/index.ts");
const CLASS = resolve(__dirname, "../../sdk/cvm-environment/cvm-environment.ts");
const HEAVY = /[\\/]node_modules[\\/](viem|got|@noble[\\/][^\\/]+)[\\/]/;
/** The same, and zod: what a program importing the SDK or only the CvmEnvironment class must not load. */
const WITH_ZOD = new RegExp(HEAVY.source.replace("(viem|", "(zod|viem|"));

/** In a fresh process: require an entry, run `steps`, and list the heavy packages loaded. */
function heavyPackagesAfter(steps: string, entry = PROVIDER, heavy = HEAVY): string[] {
  const script = `
    const entry = require(${JSON.stringify(entry)});
    const provider = entry.cvmEnvironmentProvider?.();
    (async () => {
      ${steps}
      const heavy = new Set();
      for (const file of Object.keys(require.cache)) {
        const match = ${heavy}.exec(file);
        if (match) heavy.add(match[1].replace(/\\\\/g, "/"));
      }
      process.stdout.write(JSON.stringify([...heavy].sort()));
    })().catch((error) => { console.error(error); process.exit(1); });`;
  const out = execFileSync(process.execPath, ["--import", "tsx", "-e", script], { encoding: "utf8" });
  return JSON.parse(out) as string[];
}

describe("Module loading of the provider, the SDK and the CvmEnvironment class", () => {
  it("configure, check and diff load neither viem, got nor @noble", () => {
    const heavy = heavyPackagesAfter(`
      await provider.configure({ config: { get: () => undefined } });
      const inputs = { cvmId: "app_0123456789abcdef0123456789abcdef01234567", env: { A: "1" } };
      const checked = await provider.check({}, inputs);
      if (checked.failures?.length) throw new Error(JSON.stringify(checked.failures));
      await provider.diff("id", checked.inputs, { ...checked.inputs, env: { A: "2" } });`);
    assert.deepEqual(heavy, []);
  });

  it("an operation that reaches the world loads them on first use", () => {
    const heavy = heavyPackagesAfter(`await provider.read("id", {}).catch(() => undefined);`);
    assert.ok(heavy.includes("viem") && heavy.includes("got"), `loaded: ${heavy.join(", ")}`);
  });

  it("a program importing the SDK loads none of them, nor zod", () => {
    assert.deepEqual(heavyPackagesAfter("", SDK, WITH_ZOD), []);
  });

  it("the SDK's data-source functions load zod on their first call, and still validate with it", () => {
    const heavy = heavyPackagesAfter(
      `
      const error = await entry.getKmsList({ onchain: "yes" }).catch((e) => e);
      if (!(error instanceof entry.InvalidArgumentError)) throw new Error("no argument error: " + error);`,
      SDK,
      WITH_ZOD,
    );
    assert.deepEqual(heavy, ["zod"]);
  });

  it("the CvmEnvironment class and the property declaration it derives from load no zod either", () => {
    assert.deepEqual(heavyPackagesAfter("", CLASS, WITH_ZOD), []);
  });
});
