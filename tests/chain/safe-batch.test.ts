import assert from "node:assert/strict";
import { decodeFunctionData, keccak256, parseAbi, stringToHex } from "viem";
import { appCalldata, type OwnerAction } from "../../provider/chain";
import { buildSafeBatch, safeBatchFileSchema } from "../../provider/owner-action/safe-batch";
import { serializeForChecksum, txBuilderChecksum } from "../../provider/owner-action/tx-builder-checksum";

const contract = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const safe = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512";
const composeHash = "ab".repeat(32);
const deviceId = `0x${"cd".repeat(32)}` as const;
const appAbi = parseAbi([
  "function addDevice(bytes32 deviceId)",
  "function addComposeHash(bytes32 composeHash)",
]);

const action = (functionName: OwnerAction["functionName"], argument: `0x${string}`): OwnerAction => ({
  functionName,
  argument,
  calldata: appCalldata(functionName, argument),
});

function batch(withDevice: boolean) {
  const addHash = action("addComposeHash", `0x${composeHash}`);
  return buildSafeBatch({
    chainId: 8453,
    safe,
    contract,
    actions: withDevice ? [action("addDevice", deviceId), addHash] : [addHash],
    createdAt: 1_764_000_000_000,
    name: "Allow compose hash",
    description: "pulumi-phala: allow the new compose hash",
  });
}

describe("owner action: Safe Transaction Builder batch", () => {
  it("serialises like the Transaction Builder: sorted key list first, then each value and a comma", () => {
    assert.equal(
      serializeForChecksum({ b: [true, null, "x"], a: 1, c: { z: undefined, y: "0x" } }),
      '{["a","b","c"]1,[true,null,"x"],{["y","z"]"0x",null,},}',
    );
  });

  it("the checksum is keccak256 of that serialisation without meta.checksum and with meta.name null", () => {
    const file = batch(false);
    const { checksum, ...meta } = file.meta;
    const expected = keccak256(stringToHex(serializeForChecksum({ ...file, meta: { ...meta, name: null } })));
    assert.equal(checksum, expected);
    assert.equal(txBuilderChecksum({ ...file, meta: { ...file.meta, name: "renamed" } }), checksum);
    assert.notEqual(txBuilderChecksum({ ...file, meta: { ...file.meta, description: "other" } }), checksum);
    assert.notEqual(txBuilderChecksum({ ...file, chainId: "1" }), checksum);
  });

  it("a new device gives addDevice first, then addComposeHash, both to the app contract", () => {
    const file = batch(true);
    assert.equal(file.version, "1.0");
    assert.equal(file.chainId, "8453");
    assert.equal(file.meta.createdFromSafeAddress, "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512");
    assert.deepEqual(
      file.transactions.map((t) => [t.to, t.value, t.contractMethod.name, t.contractInputsValues]),
      [
        ["0x5FbDB2315678afecb367f032d93F642f64180aa3", "0", "addDevice", { deviceId }],
        [
          "0x5FbDB2315678afecb367f032d93F642f64180aa3",
          "0",
          "addComposeHash",
          { composeHash: `0x${composeHash}` },
        ],
      ],
    );
    assert.deepEqual(file.transactions[0]?.contractMethod, {
      inputs: [{ internalType: "bytes32", name: "deviceId", type: "bytes32" }],
      name: "addDevice",
      payable: false,
    });
    const decoded = file.transactions.map((t) =>
      decodeFunctionData({ abi: appAbi, data: t.data as `0x${string}` }),
    );
    assert.deepEqual(
      decoded.map((d) => [d.functionName, d.args[0]]),
      [
        ["addDevice", deviceId],
        ["addComposeHash", `0x${composeHash}`],
      ],
    );
  });

  it("an allowed device gives addComposeHash alone", () => {
    const file = batch(false);
    assert.deepEqual(
      file.transactions.map((t) => t.contractMethod.name),
      ["addComposeHash"],
    );
  });

  it("the file read back from JSON validates; a changed call or checksum does not", () => {
    const file = JSON.parse(JSON.stringify(batch(true)));
    assert.ok(safeBatchFileSchema.safeParse(file).success);
    const tampered = structuredClone(file);
    tampered.transactions[1].to = safe;
    assert.match(String(safeBatchFileSchema.safeParse(tampered).error), /checksum/);
    const noChecksum = structuredClone(file);
    noChecksum.meta.checksum = "";
    assert.equal(safeBatchFileSchema.safeParse(noChecksum).success, false);
    const numericChain = { ...file, chainId: 8453 };
    assert.equal(safeBatchFileSchema.safeParse(numericChain).success, false);
  });
});
