import Module from "node:module";
import path from "node:path";
import type * as dynamic from "@pulumi/pulumi/dynamic";

export const REPO_ROOT = path.resolve(__dirname, "../../..");

/**
 * Loads serialized provider text the way the dynamic-provider host does (require-from-string with a
 * file name in the program directory, so `require` inside resolves from there) and returns `handler()`.
 */
export function loadSerializedProvider(text: string, programDir = REPO_ROOT): dynamic.ResourceProvider {
  const filename = path.join(programDir, "__provider.js");
  type Compilable = Module & { _compile(code: string, file: string): void };
  const mod = new Module(filename) as Compilable;
  mod.filename = filename;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(programDir);
  mod._compile(text, filename);
  return (mod.exports as { handler: () => dynamic.ResourceProvider }).handler();
}
