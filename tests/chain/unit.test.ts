import assert from "node:assert/strict";
import {
  BaseError,
  createPublicClient,
  custom,
  HttpRequestError,
  keccak256,
  toEventSelector,
  toFunctionSelector,
  toHex,
} from "viem";
import {
  addComposeHashCalldata,
  addComposeHashSelector,
  addDeviceSelector,
  composeHashAddedTopic,
  composeHashPolicy,
  describeCause,
  dstackAppAbi,
  dstackKmsAbi,
  findPendingTransaction,
  findRegistration,
  InvalidChainParamsError,
  InvalidComposeHashError,
  isComposeHashAddedLog,
  normalizeComposeHash,
  policyChangedTopic,
  redactRpcUrl,
  registerComposeHash,
  rpcUrlSecrets,
  withSignerLock,
} from "../../provider/chain";
import { startServer, type TestServer } from "../support/recording-server";

const HASH = "598119ce2a8fdb51d7d52f54c43bc2e64538f238941f37773361e69688c5e26c";
const CONTRACT = "0x1111111111111111111111111111111111111111" as const;

describe("chain: pure helpers", () => {
  it("pins the DstackApp and DstackKms selectors and event topics", () => {
    assert.equal(toFunctionSelector("addComposeHash(bytes32)"), addComposeHashSelector);
    assert.equal(toFunctionSelector("addDevice(bytes32)"), addDeviceSelector);
    assert.equal(toEventSelector("ComposeHashAdded(bytes32)"), composeHashAddedTopic);
    assert.equal(toEventSelector("PolicyChanged(address,bytes32,bytes32,bool)"), policyChangedTopic);
    assert.equal(keccak256(toHex("compose-hash")), composeHashPolicy);
    for (const item of [...dstackAppAbi, ...dstackKmsAbi]) {
      if (item.type === "function") {
        const signature = `${item.name}(${item.inputs.map((i) => i.type).join(",")})`;
        assert.equal(toFunctionSelector(item), toFunctionSelector(signature));
      }
    }
    assert.equal(toFunctionSelector(dstackKmsAbi[0]), "0x09177063");
    assert.deepEqual(
      dstackAppAbi.map((item) => item.name),
      [
        "addComposeHash",
        "addDevice",
        "allowedComposeHashes",
        "allowedDeviceIds",
        "allowAnyDevice",
        "owner",
        "ComposeHashAdded",
        "PolicyChanged",
        "OwnableUnauthorizedAccount",
      ],
    );
  });

  it("normalizeComposeHash accepts 64 hex with or without 0x and lowercases", () => {
    assert.equal(normalizeComposeHash(HASH), `0x${HASH}`);
    assert.equal(normalizeComposeHash(`0x${HASH.toUpperCase()}`), `0x${HASH}`);
    assert.equal(normalizeComposeHash(` ${HASH}\n`), `0x${HASH}`);
  });

  for (const bad of [
    "",
    "0x",
    HASH.slice(2),
    `${HASH}00`,
    `0x${HASH.slice(1)}g`,
    `0X${HASH}`,
    `sha256:${HASH}`,
  ]) {
    it(`normalizeComposeHash rejects ${JSON.stringify(bad.slice(0, 12))}… (length ${bad.length})`, () => {
      assert.throws(
        () => normalizeComposeHash(bad),
        (error: unknown) =>
          error instanceof InvalidComposeHashError && /64 hex characters \(32 bytes\)/.test(error.message),
      );
    });
  }

  it("addComposeHashCalldata is the addComposeHash selector followed by the hash", () => {
    assert.equal(addComposeHashCalldata(HASH), `0xdfc77223${HASH}`);
    assert.equal(addComposeHashCalldata(`0x${HASH}`), `0xdfc77223${HASH}`);
    assert.throws(() => addComposeHashCalldata("abc"), InvalidComposeHashError);
  });

  it("isComposeHashAddedLog matches address, topic0 and data; ignores removed logs", () => {
    const log = {
      address: CONTRACT.toUpperCase().replace("0X", "0x"),
      topics: [composeHashAddedTopic],
      data: `0x${HASH}`,
    };
    assert.equal(isComposeHashAddedLog(log, CONTRACT, `0x${HASH}`), true);
    assert.equal(isComposeHashAddedLog({ ...log, removed: true }, CONTRACT, `0x${HASH}`), false);
    assert.equal(
      isComposeHashAddedLog({ ...log, data: `0x${"00".repeat(32)}` }, CONTRACT, `0x${HASH}`),
      false,
    );
    assert.equal(
      isComposeHashAddedLog({ ...log, topics: [`0x${"11".repeat(32)}`] }, CONTRACT, `0x${HASH}`),
      false,
    );
    assert.equal(
      isComposeHashAddedLog(log, "0x2222222222222222222222222222222222222222", `0x${HASH}`),
      false,
    );
  });

  it("redactRpcUrl keeps only scheme and host", () => {
    assert.equal(
      redactRpcUrl("https://user:pw@rpc.example.com:8443/v2/KEY?apikey=X"),
      "https://rpc.example.com:8443",
    );
    assert.equal(redactRpcUrl("not a url"), "<invalid RPC URL>");
  });

  it("describeCause drops URLs, request bodies and secrets from viem errors", () => {
    const key = `0x${"ab".repeat(32)}`;
    const error = new HttpRequestError({
      url: "https://user:pw@rpc.example.com/v2/SECRETKEY",
      body: { method: "eth_sendRawTransaction", params: [key] },
      details: `connection refused for ${key.slice(2)}`,
    });
    assert.ok(error instanceof BaseError);
    assert.match(error.message, /SECRETKEY/); // viem's own message carries the URL
    const text = describeCause(error, [key]);
    assert.deepEqual(rpcUrlSecrets("https://user:longpassword@h.example/v2/SECRETKEY?k=QUERYVALUE1"), [
      "https://user:longpassword@h.example/v2/SECRETKEY?k=QUERYVALUE1",
      "longpassword",
      "SECRETKEY",
      "QUERYVALUE1",
    ]);
    assert.doesNotMatch(text, /SECRETKEY|user:pw|rpc\.example\.com/);
    assert.ok(!text.includes(key.slice(2)));
    assert.match(text, /HTTP request failed/);
  });
});

describe("chain: signer lock", () => {
  it("serialises holders of one key in call order and lets other keys run in parallel", async () => {
    const events: string[] = [];
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const holder = (key: string, id: string, ms: number) =>
      withSignerLock(key, async () => {
        events.push(`start ${id}`);
        await sleep(ms);
        events.push(`end ${id}`);
        return id;
      });
    const results = await Promise.all([
      holder("a", "a1", 30),
      holder("a", "a2", 1),
      holder("b", "b1", 5),
      holder("a", "a3", 1),
    ]);
    assert.deepEqual(results, ["a1", "a2", "b1", "a3"]);
    const a = events.filter((e) => e.endsWith("a1") || e.endsWith("a2") || e.endsWith("a3"));
    assert.deepEqual(a, ["start a1", "end a1", "start a2", "end a2", "start a3", "end a3"]);
    // b1 ran while a1 held the lock of key "a".
    assert.ok(events.indexOf("end b1") < events.indexOf("end a1"));
  });

  it("releases the lock when a holder throws", async () => {
    await assert.rejects(
      withSignerLock("c", async () => {
        throw new Error("boom");
      }),
      /boom/,
    );
    assert.equal(await withSignerLock("c", async () => 42), 42);
  });
});

describe("chain: input validation happens before any RPC call", () => {
  let server: TestServer;
  let rpcUrl = "";
  before(async () => {
    server = await startServer((_req, res) => res.writeHead(500).end());
    rpcUrl = server.origin;
  });
  after(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
  });

  it("rejects a bad compose hash with InvalidComposeHashError and no request", async () => {
    await assert.rejects(
      registerComposeHash({ rpcUrl, expectedChainId: 31337, appContract: CONTRACT, composeHash: "0x1234" }),
      InvalidComposeHashError,
    );
    assert.equal(server.requests.length, 0);
  });

  it("rejects a bad contract address, chain id or key with InvalidChainParamsError and no request", async () => {
    const base = { rpcUrl, expectedChainId: 31337, appContract: CONTRACT, composeHash: HASH };
    const badKey = "0x1234567890abcdef" as const;
    for (const params of [
      { ...base, appContract: "0x1234" as const },
      { ...base, expectedChainId: 0 },
      { ...base, rpcUrl: "ws://127.0.0.1:1" },
      { ...base, privateKey: badKey },
    ]) {
      await assert.rejects(registerComposeHash(params), (error: unknown) => {
        assert.ok(error instanceof InvalidChainParamsError);
        assert.ok(!error.message.includes("1234567890abcdef"));
        return true;
      });
    }
    assert.equal(server.requests.length, 0);
  });

  it("the control: valid input does reach the RPC", async () => {
    await assert.rejects(
      registerComposeHash({ rpcUrl, expectedChainId: 31337, appContract: CONTRACT, composeHash: HASH }),
    );
    assert.ok(server.requests.length > 0);
  });
});

describe("chain: findRegistration windows and qualification", () => {
  const contract = CONTRACT;
  const owner = "0x3333333333333333333333333333333333333333" as const;
  const factory = "0x4444444444444444444444444444444444444444" as const;
  const hash = `0x${HASH}` as const;
  const txHash = `0x${"cd".repeat(32)}` as const;
  const factoryTx = `0x${"fa".repeat(32)}` as const;

  interface FakeLog {
    block: number;
    tx: `0x${string}`;
    to: `0x${string}`;
    status?: "0x1" | "0x0";
  }

  /**
   * A fake RPC with its head at block 50 000 and ranges wider than `maxRange` rejected. `policy`: the
   * contract emits PolicyChanged (DstackApp version 2) besides ComposeHashAdded. `ownerCode`: the owner
   * is a contract.
   */
  function fakeRpc(
    logs: FakeLog[],
    maxRange: number,
    options: { policy?: boolean; ownerCode?: boolean } = {},
  ) {
    const ranges: [string, number, number][] = [];
    const receipt = (log: FakeLog) => ({
      transactionHash: log.tx,
      transactionIndex: "0x0",
      blockHash: `0x${"ee".repeat(32)}`,
      blockNumber: `0x${log.block.toString(16)}`,
      from: owner,
      to: log.to,
      cumulativeGasUsed: "0x1",
      gasUsed: "0x1",
      effectiveGasPrice: "0x1",
      contractAddress: null,
      logsBloom: `0x${"00".repeat(256)}`,
      type: "0x2",
      status: log.status ?? "0x1",
      logs: [
        {
          address: contract,
          topics: [composeHashAddedTopic],
          data: hash,
          logIndex: "0x0",
          removed: false,
          blockNumber: `0x${log.block.toString(16)}`,
          transactionHash: log.tx,
        },
      ],
    });
    const client = createPublicClient({
      transport: custom(
        {
          async request({ method, params }: { method: string; params?: unknown }) {
            if (method === "eth_blockNumber") return "0xc350";
            if (method === "eth_getCode") return options.ownerCode ? "0x6080" : "0x";
            if (method === "eth_getTransactionReceipt") {
              const [h] = params as [string];
              const log = logs.find((l) => l.tx === h);
              return log ? receipt(log) : null;
            }
            if (method !== "eth_getLogs") throw new Error(`unexpected ${method}`);
            const [filter] = params as [
              { fromBlock: string; toBlock: string; address: string; topics: (string | null)[] },
            ];
            const from = Number(filter.fromBlock);
            const to = Number(filter.toBlock);
            const kind = filter.topics[0] === policyChangedTopic ? "policy" : "added";
            ranges.push([kind, from, to]);
            if (to - from + 1 > maxRange) throw new Error("query exceeds max block range");
            if (kind === "policy") {
              assert.deepEqual(filter.topics.slice(2), [composeHashPolicy, hash]);
              if (!options.policy) return [];
            } else {
              assert.equal(filter.topics[0], composeHashAddedTopic);
            }
            return logs
              .filter((l) => l.block >= from && l.block <= to)
              .map((l) => ({
                address: contract,
                topics:
                  kind === "policy"
                    ? [policyChangedTopic, `0x${"00".repeat(12)}${l.to.slice(2)}`, composeHashPolicy, hash]
                    : [composeHashAddedTopic],
                data: kind === "policy" ? `0x${"00".repeat(31)}01` : hash,
                logIndex: "0x1",
                blockNumber: `0x${l.block.toString(16)}`,
                blockHash: `0x${"ee".repeat(32)}`,
                transactionHash: l.tx,
                transactionIndex: "0x0",
                removed: false,
              }));
          },
        },
        { retryCount: 0 },
      ),
    });
    return { context: { client, rpcOrigin: "fake", secrets: [] }, ranges };
  }

  const search = (context: ReturnType<typeof fakeRpc>["context"], extra: { maxBlocks?: number } = {}) =>
    findRegistration(context, { contract, composeHash: hash, owner, windowBlocks: 10_000, ...extra });

  it("walks back from the head, halving a window the RPC rejects", async () => {
    const { context, ranges } = fakeRpc([{ block: 31_000, tx: txHash, to: contract }], 2_500, {
      policy: true,
    });
    const found = await search(context);
    assert.deepEqual(found.registration, { transactionHash: txHash, blockNumber: 31_000n });
    // 10 000 and 5 000 rejected, then 2 500-block windows downwards from the head.
    assert.deepEqual(ranges.slice(0, 3), [
      ["policy", 40_001, 50_000],
      ["policy", 45_001, 50_000],
      ["policy", 47_501, 50_000],
    ]);
    const last = ranges.at(-1);
    assert.ok(last && last[1] <= 31_000 && last[2] >= 31_000);
    for (const [i, range] of ranges.slice(3).entries()) {
      assert.equal(range[2] - range[1] + 1, 2_500);
      const previous = ranges[i + 2];
      if (previous) assert.equal(range[2], previous[1] - 1);
    }
  });

  it("stops at the search limit and reports the searched range; a contract without PolicyChanged is searched by ComposeHashAdded", async () => {
    const { context, ranges } = fakeRpc([{ block: 10, tx: txHash, to: contract }], 100_000);
    const found = await search(context, { maxBlocks: 25_000 });
    assert.equal(found.registration, undefined);
    assert.equal(found.fromBlock, 25_001n);
    assert.equal(found.toBlock, 50_000n);
    const windows = [
      [40_001, 50_000],
      [30_001, 40_000],
      [25_001, 30_000],
    ];
    assert.deepEqual(ranges, [
      ...windows.map((w) => ["policy", ...w]),
      ...windows.map((w) => ["added", ...w]),
    ]);
  });

  it("the ComposeHashAdded fallback finds a registration of a contract without PolicyChanged", async () => {
    const { context } = fakeRpc([{ block: 45_000, tx: txHash, to: contract }], 100_000);
    assert.deepEqual((await search(context)).registration, { transactionHash: txHash, blockNumber: 45_000n });
  });

  it("never reuses the DstackKms factory transaction; a newer transaction to the app qualifies", async () => {
    const only = fakeRpc([{ block: 1_000, tx: factoryTx, to: factory }], 100_000, { policy: true });
    const none = await search(only.context);
    assert.equal(none.registration, undefined);
    assert.equal(none.rejected.length, 1);
    assert.equal(none.rejected[0]?.transactionHash, factoryTx);
    assert.match(none.rejected[0]?.reason ?? "", new RegExp(`sent to ${factory}`));
    assert.ok(!only.ranges.some(([kind]) => kind === "added"), "PolicyChanged seen: no fallback scan");

    const both = fakeRpc(
      [
        { block: 1_000, tx: factoryTx, to: factory },
        { block: 2_000, tx: txHash, to: contract },
      ],
      100_000,
      { policy: true },
    );
    assert.deepEqual((await search(both.context)).registration, {
      transactionHash: txHash,
      blockNumber: 2_000n,
    });
  });

  it("a transaction executed by the owner contract qualifies; one to an owner without code or a reverted one does not", async () => {
    const viaSafe = fakeRpc([{ block: 2_000, tx: txHash, to: owner }], 100_000, {
      policy: true,
      ownerCode: true,
    });
    assert.deepEqual((await search(viaSafe.context)).registration, {
      transactionHash: txHash,
      blockNumber: 2_000n,
    });
    const viaEoa = fakeRpc([{ block: 2_000, tx: txHash, to: owner }], 100_000, { policy: true });
    assert.equal((await search(viaEoa.context)).registration, undefined);
    const reverted = fakeRpc([{ block: 2_000, tx: txHash, to: contract, status: "0x0" }], 100_000, {
      policy: true,
    });
    const result = await search(reverted.context);
    assert.equal(result.registration, undefined);
    assert.match(result.rejected[0]?.reason ?? "", /reverted/);
  });
});

describe("chain: findPendingTransaction", () => {
  const signer = "0x5555555555555555555555555555555555555555" as const;
  const data = addComposeHashCalldata(HASH);
  const pendingTx = { hash: `0x${"ab".repeat(32)}`, from: signer, to: CONTRACT, input: data, nonce: "0x5" };

  function fakeRpc(options: {
    latest: number;
    pending: number;
    block?: object[];
    pool?: object[];
    contentFrom?: boolean;
  }) {
    const methods: string[] = [];
    const client = createPublicClient({
      transport: custom(
        {
          async request({ method, params }: { method: string; params?: unknown }) {
            methods.push(method);
            if (method === "eth_getTransactionCount") {
              const [, tag] = params as [string, string];
              return `0x${(tag === "pending" ? options.pending : options.latest).toString(16)}`;
            }
            if (method === "eth_getBlockByNumber") {
              if (!options.block) throw new Error("pending block not supported");
              return { number: null, hash: null, transactions: options.block };
            }
            if (method === "txpool_contentFrom" && options.contentFrom && options.pool) {
              return {
                pending: Object.fromEntries(options.pool.map((tx, i) => [String(i), tx])),
                queued: {},
              };
            }
            if (method === "txpool_content" && !options.contentFrom && options.pool) {
              return {
                pending: { [signer.toUpperCase().replace("0X", "0x")]: { "5": options.pool[0] } },
                queued: {},
              };
            }
            throw new Error(`method ${method} not supported`);
          },
        },
        { retryCount: 0 },
      ),
    });
    return { context: { client, rpcOrigin: "fake", secrets: [] }, methods };
  }
  const find = (rpc: ReturnType<typeof fakeRpc>) =>
    findPendingTransaction(rpc.context, { signer, to: CONTRACT, data });

  it("nothing pending: only the two nonces are read", async () => {
    const rpc = fakeRpc({ latest: 5, pending: 5 });
    assert.deepEqual(await find(rpc), { kind: "none" });
    assert.deepEqual(rpc.methods, ["eth_getTransactionCount", "eth_getTransactionCount"]);
  });

  it("finds the transaction in the pending block, in txpool_contentFrom or in txpool_content", async () => {
    for (const rpc of [
      fakeRpc({ latest: 5, pending: 6, block: [pendingTx] }),
      fakeRpc({ latest: 5, pending: 6, pool: [pendingTx], contentFrom: true }),
      fakeRpc({ latest: 5, pending: 6, pool: [pendingTx] }),
    ]) {
      assert.deepEqual(await find(rpc), { kind: "found", transactionHash: pendingTx.hash, nonce: 5 });
    }
  });

  it("another calldata is not a match; a node that shows nothing is reported as hidden", async () => {
    const other = { ...pendingTx, input: addComposeHashCalldata("ab".repeat(32)) };
    assert.deepEqual(await find(fakeRpc({ latest: 5, pending: 6, pool: [other] })), {
      kind: "other",
      count: 1,
    });
    assert.deepEqual(await find(fakeRpc({ latest: 5, pending: 7 })), {
      kind: "hidden",
      count: 2,
      latestNonce: 5,
    });
  });
});
