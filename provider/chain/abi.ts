/**
 * The DstackApp fragments the chain step uses. Signatures match the dstack
 * `DstackApp.sol` / `IAppAuthBasicManagement` contract; a test pins selectors and topics.
 */
export const dstackAppAbi = [
  {
    type: "function",
    name: "addComposeHash",
    stateMutability: "nonpayable",
    inputs: [{ name: "composeHash", type: "bytes32" }],
    outputs: [],
  },
  {
    type: "function",
    name: "allowedComposeHashes",
    stateMutability: "view",
    inputs: [{ name: "", type: "bytes32" }],
    outputs: [{ name: "", type: "bool" }],
  },
  {
    type: "function",
    name: "owner",
    stateMutability: "view",
    inputs: [],
    outputs: [{ name: "", type: "address" }],
  },
  {
    type: "event",
    name: "ComposeHashAdded",
    anonymous: false,
    inputs: [{ name: "composeHash", type: "bytes32", indexed: false }],
  },
  {
    type: "error",
    name: "OwnableUnauthorizedAccount",
    inputs: [{ name: "account", type: "address" }],
  },
  {
    type: "function",
    name: "addDevice",
    stateMutability: "nonpayable",
    inputs: [{ name: "deviceId", type: "bytes32" }],
    outputs: [],
  },
] as const;

/** The `ComposeHashAdded(bytes32)` event fragment (not indexed: the hash is the log's `data`). */
export const composeHashAddedEvent = dstackAppAbi[3];

/** 4-byte selector of `addComposeHash(bytes32)`. */
export const addComposeHashSelector = "0xdfc77223" as const;

/** topic0 of `ComposeHashAdded(bytes32)`. */
export const composeHashAddedTopic =
  "0xfecb34306dd9d8b785b54d65489d06afc8822a0893ddacedff40c50a4942d0af" as const;
