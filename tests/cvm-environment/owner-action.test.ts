import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative } from "node:path";
import { addComposeHashCalldata, appCalldata, OwnerActionRequiredError } from "../../provider/chain";
import { OwnerActionPendingError, prepareOwnerAction } from "../../provider/cvm-environment/owner-action";
import type { FlowContext } from "../../provider/cvm-environment/ports";
import { safeBatchFileSchema } from "../../provider/owner-action/safe-batch";
import { writeBatchFile } from "../../provider/owner-action/write-batch-file";

const composeHash = `0x${"5e".repeat(32)}` as const;
const contract = "0x8A791620dd6260079BF849Dc5567aDC3F2FdC318" as const;
const owner = "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0" as const;
const signer = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as const;
const deviceId = `0x${"11".repeat(32)}` as const;
const required = (withDevice: boolean) =>
  new OwnerActionRequiredError({
    composeHash,
    contract,
    chainId: 8453,
    actions: [
      ...(withDevice
        ? [
            {
              functionName: "addDevice" as const,
              argument: deviceId,
              calldata: appCalldata("addDevice", deviceId),
            },
          ]
        : []),
      {
        functionName: "addComposeHash",
        argument: composeHash,
        calldata: addComposeHashCalldata(composeHash),
      },
    ],
    owner,
    signer,
  });

function context(saveOwnerAction: FlowContext["saveOwnerAction"], reports: string[] = []) {
  return {
    now: () => 1_764_000_000_000,
    report: (m: string) => {
      reports.push(m);
    },
    saveOwnerAction,
  };
}

describe("owner action: calls, message and batch file", () => {
  it("names hash, contract, chain, owner, each call with its calldata, and the file's path", async () => {
    const dir = mkdtempSync(join(tmpdir(), "owner-action-"));
    const reports: string[] = [];
    const error = await prepareOwnerAction(
      context((name, file) => writeBatchFile(join(dir, "nested"), name, file), reports),
      "cvm_abc",
      required(true),
    );
    assert.ok(error instanceof OwnerActionPendingError && error instanceof OwnerActionRequiredError);
    assert.ok(error.batchFile && isAbsolute(error.batchFile));
    assert.equal(relative(dir, error.batchFile), join("nested", "cvm_abc-5e5e5e5e5e5e.safe-batch.json"));
    for (const part of [composeHash, contract, "chain 8453", owner, signer, error.batchFile]) {
      assert.ok(error.message.includes(part), part);
    }
    for (const a of error.actions) assert.ok(error.message.includes(`data ${a.calldata}`), a.functionName);
    const file = safeBatchFileSchema.parse(JSON.parse(readFileSync(error.batchFile, "utf8")));
    assert.equal(file.createdAt, 1_764_000_000_000);
    assert.equal(file.meta.createdFromSafeAddress, owner);
    assert.deepEqual(
      file.transactions.map((t) => [t.contractMethod.name, t.data]),
      [
        ["addDevice", appCalldata("addDevice", deviceId)],
        ["addComposeHash", addComposeHashCalldata(composeHash)],
      ],
    );
    assert.ok(reports.some((line) => line.includes(error.batchFile ?? "?")));
  });

  it("a file that cannot be written still leaves the calls in the message, and says why", async () => {
    const error = await prepareOwnerAction(
      context(async () => {
        throw new Error("EACCES: permission denied");
      }),
      "cvm_abc",
      required(false),
    );
    assert.equal(error.batchFile, undefined);
    assert.match(error.message, /could not be written \(EACCES: permission denied\)/);
    assert.ok(error.message.includes(addComposeHashCalldata(composeHash)));
  });
});
