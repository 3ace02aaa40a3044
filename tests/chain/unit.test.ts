import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  BaseError,
  createPublicClient,
  custom,
  getAbiItem,
  HttpRequestError,
  toEventSelector,
  toFunctionSelector,
} from "viem";
import {
  addComposeHashCalldata,
  addComposeHashSelector,
  composeHashAddedTopic,
  describeCause,
  dstackAppAbi,
  findRegistration,
  InvalidChainParamsError,
  InvalidComposeHashError,
  isComposeHashAddedLog,
  normalizeComposeHash,
  redactRpcUrl,
  registerComposeHash,
  rpcUrlSecrets,
  withSignerLock,
} from "../../provider/chain";

const HASH = "598119ce2a8fdb51d7d52f54c43bc2e64538f238941f37773361e69688c5e26c";
const CONTRACT = "0x1111111111111111111111111111111111111111" as const;

describe("chain: pure helpers", () => {
  it("pins the DstackApp selector and event topic", () => {
    assert.equal(toFunctionSelector("addComposeHash(bytes32)"), addComposeHashSelector);
    assert.equal(toEventSelector("ComposeHashAdded(bytes32)"), composeHashAddedTopic);
    const names = dstackAppAbi.map((item) => item.name);
    assert.deepEqual(names, [
      "addComposeHash",
      "allowedComposeHashes",
      "owner",
      "ComposeHashAdded",
      "OwnableUnauthorizedAccount",
      "addDevice",
    ]);
    assert.equal(toFunctionSelector(getAbiItem({ abi: dstackAppAbi, name: "addDevice" })), "0x2a819728");
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
  let server: Server;
  let requests = 0;
  let rpcUrl = "";
  before(async () => {
    server = createServer((req, res) => {
      requests++;
      req.resume();
      res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    rpcUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    requests = 0;
  });

  it("rejects a bad compose hash with InvalidComposeHashError and no request", async () => {
    await assert.rejects(
      registerComposeHash({ rpcUrl, expectedChainId: 31337, appContract: CONTRACT, composeHash: "0x1234" }),
      InvalidComposeHashError,
    );
    assert.equal(requests, 0);
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
    assert.equal(requests, 0);
  });

  it("the control: valid input does reach the RPC", async () => {
    await assert.rejects(
      registerComposeHash({ rpcUrl, expectedChainId: 31337, appContract: CONTRACT, composeHash: HASH }),
    );
    assert.ok(requests > 0);
  });
});

describe("chain: findRegistration windows", () => {
  const contract = CONTRACT;
  const hash = `0x${HASH}` as const;
  const txHash = `0x${"cd".repeat(32)}` as const;

  /** A fake RPC: head at block 50 000, one matching log at `logBlock`, ranges wider than `maxRange` rejected. */
  function fakeRpc(logBlock: number, maxRange: number) {
    const ranges: [number, number][] = [];
    const client = createPublicClient({
      transport: custom(
        {
          async request({ method, params }: { method: string; params?: unknown }) {
            if (method === "eth_blockNumber") return "0xc350";
            if (method !== "eth_getLogs") throw new Error(`unexpected ${method}`);
            const [filter] = params as [
              { fromBlock: string; toBlock: string; address: string; topics: string[] },
            ];
            const from = Number(filter.fromBlock);
            const to = Number(filter.toBlock);
            ranges.push([from, to]);
            if (to - from + 1 > maxRange) throw new Error("query exceeds max block range");
            assert.equal(filter.topics[0], composeHashAddedTopic);
            if (logBlock < from || logBlock > to) return [];
            const other = { data: `0x${"00".repeat(32)}`, logIndex: "0x0" };
            return [other, { data: hash, logIndex: "0x1" }].map((log) => ({
              ...log,
              address: contract,
              topics: [composeHashAddedTopic],
              blockNumber: `0x${logBlock.toString(16)}`,
              blockHash: `0x${"ee".repeat(32)}`,
              transactionHash: log.data === hash ? txHash : `0x${"aa".repeat(32)}`,
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

  it("walks back from the head, halving a window the RPC rejects", async () => {
    const { context, ranges } = fakeRpc(31_000, 2_500);
    const found = await findRegistration(context, { contract, composeHash: hash, windowBlocks: 10_000 });
    assert.deepEqual(found.registration, { transactionHash: txHash, blockNumber: 31_000n });
    // 10 000 and 5 000 rejected, then 2 500-block windows downwards from the head.
    assert.deepEqual(ranges.slice(0, 3), [
      [40_001, 50_000],
      [45_001, 50_000],
      [47_501, 50_000],
    ]);
    const last = ranges.at(-1);
    assert.ok(last && last[0] <= 31_000 && last[1] >= 31_000);
    for (const [i, range] of ranges.slice(3).entries()) {
      assert.equal(range[1] - range[0] + 1, 2_500);
      const previous = ranges[i + 2];
      if (previous) assert.equal(range[1], previous[0] - 1);
    }
  });

  it("stops at the search limit and reports the searched range", async () => {
    const { context, ranges } = fakeRpc(10, 100_000);
    const found = await findRegistration(context, {
      contract,
      composeHash: hash,
      windowBlocks: 10_000,
      maxBlocks: 25_000,
    });
    assert.equal(found.registration, undefined);
    assert.equal(found.fromBlock, 25_001n);
    assert.equal(found.toBlock, 50_000n);
    assert.deepEqual(ranges, [
      [40_001, 50_000],
      [30_001, 40_000],
      [25_001, 30_000],
    ]);
  });
});
