// Regenerates emulator/contracts/DstackApp.json from DstackApp.sol:
//   npx tsx emulator/contracts/generate.ts
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { compileDstackApp } from "./compile";

const artifact = compileDstackApp();
const target = join(__dirname, "DstackApp.json");
writeFileSync(target, `${JSON.stringify(artifact, null, 2)}\n`);
console.log(`wrote ${target} (solc ${artifact.solcVersion}, ${(artifact.bytecode.length - 2) / 2} bytes)`);
