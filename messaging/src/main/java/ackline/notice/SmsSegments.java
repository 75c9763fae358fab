package ackline.notice;

/**
 * How many parts an SMS body takes: GSM-7 fits 160 characters in one part and 153 per part when split;
 * anything else (Chinese) goes as UCS-2, 70 in one part and 67 per part, counted in UTF-16 units.
 */
public record SmsSegments(String encoding, int units, int segments) {

	private static final String GSM_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
			+ "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

	private static final String GSM_EXTENDED = "^{}\\[~]|€\f";

	public static SmsSegments of(String body) {
		int gsmUnits = 0;
		boolean gsm = true;
		for (int i = 0; i < body.length() && gsm; i++) {
			char c = body.charAt(i);
			if (GSM_BASIC.indexOf(c) >= 0) {
				gsmUnits++;
			}
			else if (GSM_EXTENDED.indexOf(c) >= 0) {
				gsmUnits += 2;
			}
			else {
				gsm = false;
			}
		}
		if (gsm) {
			return new SmsSegments("GSM-7", gsmUnits, gsmUnits <= 160 ? 1 : ceil(gsmUnits, 153));
		}
		int units = body.length();
		return new SmsSegments("UCS-2", units, units <= 70 ? 1 : ceil(units, 67));
	}

	private static int ceil(int units, int perPart) {
		return (units + perPart - 1) / perPart;
	}

}
