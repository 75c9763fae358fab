package ackline.notice;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * A notice as an upstream system submits it ({@code POST /api/v1/notices}); checked by {@link NoticeIntake}.
 * Strings rather than enums, so an unknown value is refused with the field named.
 */
public record NoticeRequest(String type, String clientId, String clientName, String phone, String email,
		List<String> channels, Map<String, Object> params, Boolean requireAck, OffsetDateTime ackDeadline,
		String idempotencyKey, String language) {
}
