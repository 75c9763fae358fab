package ackline.quality;

/**
 * What a supervisor scores on an agent's call (R-CB-6 agent scorecard, R-SV-3 courtesy): a fixed list, each with its
 * maximum; the maxima add up to {@value #TOTAL}.
 */
public enum Criterion {

	GREETING_COURTESY("问候与礼貌用语", "Greeting and courtesy", 20),

	IDENTITY_CHECK("客户身份核实", "Identity check", 20),

	DISCLOSURE_READ("通知或风险揭示完整宣读", "Notice or risk disclosure read in full", 25),

	ACCURACY("信息准确", "Accuracy", 20),

	CLOSING("结束语", "Closing", 15);

	/** The highest total. */
	public static final int TOTAL = 100;

	private final String nameZh;

	private final String nameEn;

	private final int max;

	Criterion(String nameZh, String nameEn, int max) {
		this.nameZh = nameZh;
		this.nameEn = nameEn;
		this.max = max;
	}

	public String code() {
		return name();
	}

	public String nameZh() {
		return nameZh;
	}

	public String nameEn() {
		return nameEn;
	}

	public int max() {
		return max;
	}

	/** The criterion with this code, or null. */
	static Criterion byCode(String code) {
		for (Criterion c : values()) {
			if (c.name().equals(code)) {
				return c;
			}
		}
		return null;
	}

}
