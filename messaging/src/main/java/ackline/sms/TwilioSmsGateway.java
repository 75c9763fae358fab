package ackline.sms;

import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import ackline.notice.SmsGateway;
import ackline.notice.SmsSendException;
import ackline.notice.SmsStatusReported;
import com.twilio.base.ResourceSet;
import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import com.twilio.exception.TwilioException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.type.PhoneNumber;

/** Sends SMS with the Twilio Java SDK (Messages API) and maps its errors to retryable or not. */
class TwilioSmsGateway implements SmsGateway {

	private final TwilioRestClient client;

	private final TwilioSettings settings;

	TwilioSmsGateway(TwilioRestClient client, TwilioSettings settings) {
		this.client = client;
		this.settings = settings;
	}

	@Override
	public String provider() {
		return "twilio";
	}

	@Override
	public String sender() {
		return settings.fromNumber();
	}

	@Override
	public SmsAccepted send(OutgoingSms sms) {
		try {
			Message message = Message.creator(new PhoneNumber(sms.to()), new PhoneNumber(sms.from()), sms.body())
				.setStatusCallback(URI.create(sms.statusCallback()))
				.create(client);
			String raw = RedirectingHttpClient.takeLastBody();
			return new SmsAccepted(message.getSid(), String.valueOf(message.getStatus()),
					raw != null ? raw : String.valueOf(message));
		}
		catch (ApiException ex) {
			RedirectingHttpClient.takeLastBody();
			Integer http = ex.getStatusCode();
			String code = ex.getCode() != null ? String.valueOf(ex.getCode()) : http != null ? "HTTP " + http : null;
			boolean retryable = http == null || http == 429 || http >= 500;
			throw new SmsSendException("Twilio refused the message: " + ex.getMessage(), code, retryable, ex);
		}
		catch (ApiConnectionException ex) {
			RedirectingHttpClient.takeLastBody();
			throw new SmsSendException("Twilio could not be reached: " + ex.getMessage(), null, true, ex);
		}
		catch (TwilioException ex) {
			RedirectingHttpClient.takeLastBody();
			throw new SmsSendException("Twilio call failed: " + ex.getMessage(), null, true, ex);
		}
	}

	@Override
	public Optional<SmsStatusReported> fetchStatus(String providerId) {
		try {
			Message message = Message.fetcher(providerId).fetch(client);
			String raw = RedirectingHttpClient.takeLastBody();
			return Optional.of(new SmsStatusReported(provider(), providerId, null, String.valueOf(message.getStatus()),
					message.getErrorCode() == null ? null : String.valueOf(message.getErrorCode()),
					(raw != null ? raw : String.valueOf(message)).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
		}
		catch (TwilioException ex) {
			RedirectingHttpClient.takeLastBody();
			throw new SmsSendException("Could not ask Twilio about " + providerId + ": " + ex.getMessage(), null, true, ex);
		}
	}

	@Override
	public Optional<SmsAccepted> findSent(OutgoingSms sms, String marker, Instant since) {
		try {
			ResourceSet<Message> messages = Message.reader()
				.setTo(new PhoneNumber(sms.to()))
				.setFrom(new PhoneNumber(sms.from()))
				.setDateSentAfter(since.minusSeconds(86_400).atZone(ZoneOffset.UTC))
				.setPageSize(100L)
				.limit(500)
				.read(client);
			for (Message message : messages) {
				if (message.getBody() != null && message.getBody().equals(marker)) {
					return Optional.of(new SmsAccepted(message.getSid(), String.valueOf(message.getStatus()),
							"{\"recoveredBy\":\"Messages list\",\"sid\":\"" + message.getSid() + "\",\"status\":\""
									+ message.getStatus() + "\"}"));
				}
			}
			return Optional.empty();
		}
		catch (TwilioException ex) {
			throw new SmsSendException("Could not ask Twilio whether the message was sent: " + ex.getMessage(),
					null, true, ex);
		}
		finally {
			RedirectingHttpClient.takeLastBody();
		}
	}

}
