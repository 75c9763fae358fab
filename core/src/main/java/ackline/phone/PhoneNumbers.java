package ackline.phone;

import java.util.regex.Pattern;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/**
 * Normalises phone numbers to E.164 with libphonenumber; numbers without a country code are taken as
 * mainland China's. Full-width digits and the full-width plus sign are accepted.
 */
public final class PhoneNumbers {

	private static final PhoneNumberUtil util = PhoneNumberUtil.getInstance();

	private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{7,14}");

	private final String defaultRegion;

	public PhoneNumbers(String defaultRegion) {
		this.defaultRegion = defaultRegion;
	}

	public PhoneNumbers() {
		this("CN");
	}

	/** The number in E.164 ({@code +8613800138000}), or an exception saying why it is not a number. */
	public String normalize(String raw) {
		if (raw == null || raw.isBlank()) {
			throw new InvalidPhoneNumberException(raw, "is empty");
		}
		PhoneNumber number;
		try {
			number = util.parse(raw.strip(), defaultRegion);
		}
		catch (NumberParseException ex) {
			throw new InvalidPhoneNumberException(raw, "cannot be read as a phone number (" + ex.getErrorType() + ")");
		}
		if (!util.isValidNumber(number)) {
			throw new InvalidPhoneNumberException(raw, "is not a valid number for region "
					+ util.getRegionCodeForNumber(number));
		}
		return util.format(number, PhoneNumberFormat.E164);
	}

	/** The number normalised if it can be, else the input trimmed: for matching inbound senders. */
	public String normalizeLeniently(String raw) {
		if (raw != null && E164.matcher(raw).matches()) {
			// Providers post senders in E.164 already: no need to parse what is canonical.
			return raw;
		}
		try {
			return normalize(raw);
		}
		catch (InvalidPhoneNumberException ex) {
			return raw == null ? "" : raw.strip();
		}
	}

	/** The number with its middle digits hidden, for logs (R-SV-4). */
	public static String mask(String e164) {
		if (e164 == null || e164.length() < 8) {
			return "****";
		}
		return e164.substring(0, e164.length() - 8) + "****" + e164.substring(e164.length() - 4);
	}

}
