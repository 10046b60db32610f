"""End-to-end verifiable secret ballots: the verifier and a Python prover (docs/election-protocol.md)."""
