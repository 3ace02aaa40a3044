/**
 * The dstack contract fragments the chain step uses. Signatures match the dstack `DstackApp.sol` /
 * `IAppAuthBasicManagement.sol` and `DstackKms.sol` contracts; a test pins selectors and topics.
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
    name: "addDevice",
    stateMutability: "nonpayable",
    inputs: [{ name: "deviceId", type: "bytes32" }],
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
    name: "allowedDeviceIds",
    stateMutability: "view",
    inputs: [{ name: "", type: "bytes32" }],
    outputs: [{ name: "", type: "bool" }],
  },
  {
    type: "function",
    name: "allowAnyDevice",
    stateMutability: "view",
    inputs: [],
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
    type: "event",
    name: "PolicyChanged",
    anonymous: false,
    inputs: [
      { name: "actor", type: "address", indexed: true },
      { name: "policy", type: "bytes32", indexed: true },
      { name: "value", type: "bytes32", indexed: true },
      { name: "enabled", type: "bool", indexed: false },
    ],
  },
  {
    type: "error",
    name: "OwnableUnauthorizedAccount",
    inputs: [{ name: "account", type: "address" }],
  },
] as const;

/** The app functions the provider sends; each takes one bytes32. */
export type AppWrite = "addComposeHash" | "addDevice";

/** `kmsInfo()` of DstackKms: the KMS's secp256k1 signing key comes first. */
export const dstackKmsAbi = [
  {
    type: "function",
    name: "kmsInfo",
    stateMutability: "view",
    inputs: [],
    outputs: [
      { name: "k256Pubkey", type: "bytes" },
      { name: "caPubkey", type: "bytes" },
      { name: "quote", type: "bytes" },
      { name: "eventlog", type: "bytes" },
    ],
  },
] as const;

/** The `ComposeHashAdded(bytes32)` event fragment (not indexed: the hash is the log's `data`). */
export const composeHashAddedEvent = dstackAppAbi[6];

/** 4-byte selector of `addComposeHash(bytes32)`. */
export const addComposeHashSelector = "0xdfc77223" as const;

/** 4-byte selector of `addDevice(bytes32)`. */
export const addDeviceSelector = "0x2a819728" as const;

/** topic0 of `ComposeHashAdded(bytes32)`. */
export const composeHashAddedTopic =
  "0xfecb34306dd9d8b785b54d65489d06afc8822a0893ddacedff40c50a4942d0af" as const;

/** topic0 of `PolicyChanged(address,bytes32,bytes32,bool)`, emitted by DstackApp version 2. */
export const policyChangedTopic =
  "0x341d3bc64e32172fc5bcf27b0f7f69dc5adc19af64b7aa1dee361e5883c32375" as const;

/** `keccak256("compose-hash")`: the `policy` topic of compose-hash changes. */
export const composeHashPolicy =
  "0x56bdf4352a9ceb1ba8f5c68066725c095e69c1d3f8a437290f0ac1da8fb4e19c" as const;
