import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const REPO_ROOT = path.resolve(__dirname, "../..");

/**
 * The `__provider` text a user's state holds: `new CvmEnvironment(...)` from the built package
 * (`require("pulumi-phala")` → dist/), in a plain node process, serialized by the SDK's own
 * `dynamic.Resource` (`serializeFunction(() => provider, { allowSecrets: true })`), captured under
 * mocks. No test-runner transform touches any of the serialized functions.
 */
export async function userStateProviderText(projectDir = REPO_ROOT): Promise<string> {
  const script = `
    const pulumi = require("@pulumi/pulumi");
    let text;
    pulumi.runtime.setMocks({
      newResource: (args) => {
        if (args.type === "pulumi-nodejs:dynamic:CvmEnvironment") text = args.inputs.__provider;
        return { id: "id", state: args.inputs };
      },
      call: () => ({}),
    }, "project", "stack", false).then(async () => {
      const { CvmEnvironment } = require("pulumi-phala");
      const resource = new CvmEnvironment("env", { cvmId: "cvm", env: { KEY: "value" } });
      await new Promise((resolve) => resource.id.apply(resolve));
      if (typeof text !== "string") throw new Error("no __provider text was registered");
      process.stdout.write(JSON.stringify({ text }));
    }).catch((error) => { console.error(error); process.exit(1); });
  `;
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const { stdout } = await promisify(execFile)(process.execPath, ["-e", script], {
    cwd: projectDir,
    env,
    maxBuffer: 1 << 20,
  });
  return (JSON.parse(stdout) as { text: string }).text;
}
