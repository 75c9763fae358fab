package ackline.security;

/** Who may do what (DOMAIN.md, "Who uses it"). */
public enum Role {

	/** Upstream systems: the margin risk engine, the CRM. */
	SYSTEM,
	/** Client-service agents (客户服务人员). */
	AGENT,
	/** Service supervisors (客户服务监督人员). */
	SUPERVISOR,
	/** Compliance and audit (合规): read and export evidence, never edit it. */
	AUDITOR,
	/** Administrators. */
	ADMIN

}
