// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title DstackApp (emulator)
/// @notice A minimal, non-upgradeable contract with the same compose-hash management surface as the
/// dstack DstackApp contract: owner-only addComposeHash/removeComposeHash, the allowedComposeHashes
/// mapping, the ComposeHashAdded/ComposeHashRemoved events (non-indexed bytes32, identical topics)
/// and OpenZeppelin's OwnableUnauthorizedAccount/OwnableInvalidOwner custom errors.
contract DstackApp {
    address private _owner;

    mapping(bytes32 => bool) public allowedComposeHashes;

    event ComposeHashAdded(bytes32 composeHash);
    event ComposeHashRemoved(bytes32 composeHash);
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    error OwnableUnauthorizedAccount(address account);
    error OwnableInvalidOwner(address owner);

    constructor(address initialOwner) {
        if (initialOwner == address(0)) {
            revert OwnableInvalidOwner(address(0));
        }
        _transferOwnership(initialOwner);
    }

    modifier onlyOwner() {
        if (msg.sender != _owner) {
            revert OwnableUnauthorizedAccount(msg.sender);
        }
        _;
    }

    function owner() public view returns (address) {
        return _owner;
    }

    function transferOwnership(address newOwner) public onlyOwner {
        if (newOwner == address(0)) {
            revert OwnableInvalidOwner(address(0));
        }
        _transferOwnership(newOwner);
    }

    function addComposeHash(bytes32 composeHash) external onlyOwner {
        allowedComposeHashes[composeHash] = true;
        emit ComposeHashAdded(composeHash);
    }

    function removeComposeHash(bytes32 composeHash) external onlyOwner {
        allowedComposeHashes[composeHash] = false;
        emit ComposeHashRemoved(composeHash);
    }

    function version() external pure returns (uint256) {
        return 2;
    }

    function _transferOwnership(address newOwner) private {
        address previous = _owner;
        _owner = newOwner;
        emit OwnershipTransferred(previous, newOwner);
    }
}
