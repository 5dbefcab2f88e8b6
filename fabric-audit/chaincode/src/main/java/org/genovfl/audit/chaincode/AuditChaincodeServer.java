package org.genovfl.audit.chaincode;

import org.hyperledger.fabric.contract.ContractRouter;

/**
 * Starts the chaincode as a service (Fabric's CCaaS): set {@code CHAINCODE_SERVER_ADDRESS}
 * (host:port to listen on), {@code CORE_CHAINCODE_ID_NAME} (the package id the peer
 * installed) and {@code GENOVFL_AUDIT_ORGANISATIONS} (see {@link OrganisationDirectory}),
 * then {@code java -jar genovfl-audit-chaincode.jar}. The peer dials in.
 */
public final class AuditChaincodeServer {

    private AuditChaincodeServer() {
    }

    public static void main(String[] args) throws Exception {
        if (System.getenv("CHAINCODE_SERVER_ADDRESS") == null || System.getenv("CORE_CHAINCODE_ID_NAME") == null) {
            System.err.println("set CHAINCODE_SERVER_ADDRESS and CORE_CHAINCODE_ID_NAME (see fabric-audit/README.md)");
            System.exit(2);
        }
        ContractRouter.main(args);
    }
}
