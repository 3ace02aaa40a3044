import { parseAbi } from "viem";

/**
 * The parts of the real dstack contracts' ABIs the emulator and the tests use, as typed viem ABIs. A test
 * checks every entry against the solc output of the upstream sources.
 */
export const dstackAppAbi = parseAbi([
  "function addComposeHash(bytes32 composeHash)",
  "function removeComposeHash(bytes32 composeHash)",
  "function allowedComposeHashes(bytes32) view returns (bool)",
  "function addDevice(bytes32 deviceId)",
  "function removeDevice(bytes32 deviceId)",
  "function setAllowAnyDevice(bool _allowAnyDevice)",
  "function allowAnyDevice() view returns (bool)",
  "function allowedDeviceIds(bytes32) view returns (bool)",
  "function owner() view returns (address)",
  "function pendingOwner() view returns (address)",
  "function transferOwnership(address newOwner)",
  "function acceptOwnership()",
  "function version() pure returns (uint256)",
  "event ComposeHashAdded(bytes32 composeHash)",
  "event ComposeHashRemoved(bytes32 composeHash)",
  "event DeviceAdded(bytes32 deviceId)",
  "event DeviceRemoved(bytes32 deviceId)",
  "event AllowAnyDeviceSet(bool allowAny)",
  "event PolicyChanged(address indexed actor, bytes32 indexed policy, bytes32 indexed value, bool enabled)",
  "event OwnershipTransferred(address indexed previousOwner, address indexed newOwner)",
  "event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner)",
  "error OwnableUnauthorizedAccount(address account)",
  "error OwnableInvalidOwner(address owner)",
]);

/** `IAppAuth.AppBootInfo`, the argument of `isAppAllowed` on DstackKms and DstackApp. */
const BOOT_INFO =
  "(address appId, bytes32 composeHash, address instanceId, bytes32 deviceId, bytes32 mrAggregated, bytes32 mrSystem, bytes32 osImageHash, string tcbStatus, string[] advisoryIds)";

export const dstackKmsAbi = parseAbi([
  "function initialize(address initialOwner, address _appImplementation)",
  "function setKmsInfo((bytes k256Pubkey, bytes caPubkey, bytes quote, bytes eventlog) info)",
  "function kmsInfo() view returns (bytes k256Pubkey, bytes caPubkey, bytes quote, bytes eventlog)",
  "function setGatewayAppId(string appId)",
  "function gatewayAppId() view returns (string)",
  "function addOsImageHash(bytes32 osImageHash)",
  "function allowedOsImages(bytes32) view returns (bool)",
  "function registeredApps(address) view returns (bool)",
  "function appImplementation() view returns (address)",
  "function deployAndRegisterApp(address initialOwner, bool disableUpgrades, bool requireTcbUpToDate, bool allowAnyDevice, bytes32 initialDeviceId, bytes32 initialComposeHash) returns (address appId)",
  "function deployAndRegisterApp(address initialOwner, bool disableUpgrades, bool allowAnyDevice, bytes32 initialDeviceId, bytes32 initialComposeHash) returns (address appId)",
  `function isAppAllowed(${BOOT_INFO} bootInfo) view returns (bool isAllowed, string reason)`,
  "event AppRegistered(address appId)",
  "event AppDeployedViaFactory(address indexed appId, address indexed deployer)",
  "event KmsInfoSet(bytes k256Pubkey)",
]);

export const erc1967ProxyAbi = parseAbi(["constructor(address implementation, bytes _data)"]);
