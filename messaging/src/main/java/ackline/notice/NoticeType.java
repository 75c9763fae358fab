package ackline.notice;

/** The kinds of notice upstream systems submit (R-MARGIN-1). */
public enum NoticeType {

	MARGIN_CALL, FORCED_LIQUIDATION, MAJOR_EVENT, RISK_DISCLOSURE, GENERAL

}
