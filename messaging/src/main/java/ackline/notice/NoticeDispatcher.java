package ackline.notice;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import ackline.evidence.EvidenceKind;
import ackline.evidence.EvidenceLinks;
import ackline.evidence.EvidenceStore;
import ackline.evidence.NewEvidence;
import ackline.evidence.StoredEvidence;
import ackline.phone.PhoneNumbers;
import ackline.queue.WorkQueue;
import ackline.ratelimit.RedisRateLimiter;
import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends queued attempts: takes attempt ids from the work queue, claims each in PostgreSQL (so no two
 * workers on any node send the same one), waits for the sender's rate limit, hands the message to the
 * provider, and records the outcome with the provider's response as evidence. Retryable failures come
 * back later with exponential back-off; permanent ones fail the channel with the provider's code.
 */
public class NoticeDispatcher implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(NoticeDispatcher.class);

	private static final int TAKE = 8;

	private final WorkQueue queue;

	private final NoticeStore store;

	private final TransactionTemplate tx;

	private final SmsGateway sms;

	private final MailGateway mail;

	private final EvidenceStore evidence;

	private final RedisRateLimiter rateLimiter;

	private final NoticeSettings settings;

	private final PublicAddress publicAddress;

	private final Clock clock;

	private final IntervalFunction backoff;

	private final String node;

	private final MeterRegistry meters;

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean running;

	private CountDownLatch stopped = new CountDownLatch(0);

	NoticeDispatcher(WorkQueue queue, NoticeStore store, TransactionTemplate tx, SmsGateway sms, MailGateway mail,
			EvidenceStore evidence, RedisRateLimiter rateLimiter, NoticeSettings settings, PublicAddress publicAddress,
			Clock clock, MeterRegistry meters) {
		this.queue = queue;
		this.store = store;
		this.tx = tx;
		this.sms = sms;
		this.mail = mail;
		this.evidence = evidence;
		this.rateLimiter = rateLimiter;
		this.settings = settings;
		this.publicAddress = publicAddress;
		this.clock = clock;
		this.meters = meters;
		this.backoff = IntervalFunction.ofExponentialRandomBackoff(settings.retryInitialInterval(), 2.0, 0.3,
				settings.retryMaxInterval());
		this.node = "node-" + UUID.randomUUID().toString().substring(0, 8);
	}

	static String queueName(String channel) {
		return "notice-" + channel.toLowerCase(Locale.ROOT);
	}

	@Override
	public synchronized void start() {
		if (running) {
			return;
		}
		running = true;
		int total = (sms != null ? settings.smsWorkers() : 0) + (mail != null ? settings.emailWorkers() : 0);
		stopped = new CountDownLatch(total);
		if (sms != null) {
			for (int i = 0; i < settings.smsWorkers(); i++) {
				startWorker(Channel.SMS, i);
			}
		}
		if (mail != null) {
			for (int i = 0; i < settings.emailWorkers(); i++) {
				startWorker(Channel.EMAIL, i);
			}
		}
		log.info("Notice dispatcher {} started: {} SMS workers ({}), {} email workers", node,
				sms != null ? settings.smsWorkers() : 0, sms != null ? sms.provider() : "no SMS gateway",
				mail != null ? settings.emailWorkers() : 0);
	}

	private void startWorker(Channel channel, int n) {
		String consumer = node + "-" + channel.name().toLowerCase(Locale.ROOT) + "-" + n;
		Thread thread = new Thread(() -> {
			try {
				work(channel, consumer);
			}
			finally {
				stopped.countDown();
			}
		}, "notice-" + channel.name().toLowerCase(Locale.ROOT) + "-" + n);
		thread.setDaemon(true);
		threads.add(thread);
		thread.start();
	}

	@Override
	public void stop() {
		// Workers finish the message in hand before they exit: an attempt abandoned between the provider's
		// answer and our record of it would wait out the sending lease and then need a look-up to avoid a
		// second send.
		running = false;
		try {
			if (!stopped.await(30, TimeUnit.SECONDS)) {
				log.warn("Notice workers still busy after 30 s; the reconciler recovers what they held");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		threads.clear();
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	@Override
	public int getPhase() {
		// Stop before the web server and the data source go away, start after them.
		return Integer.MAX_VALUE - 100;
	}

	private void work(Channel channel, String consumer) {
		String queueName = queueName(channel.name());
		long pause = 100;
		while (running) {
			try {
				List<WorkQueue.Delivery> deliveries = queue.take(queueName, consumer, TAKE, Duration.ofSeconds(1));
				if (deliveries.isEmpty()) {
					continue;
				}
				List<Long> ids = new ArrayList<>();
				for (WorkQueue.Delivery d : deliveries) {
					try {
						ids.add(Long.parseLong(d.item()));
					}
					catch (NumberFormatException ex) {
						log.warn("Ignoring malformed queue entry {}", d.item());
					}
				}
				List<NoticeStore.Claimed> claimed = store.claim(ids, consumer, clock.instant());
				List<Handed> handed = new ArrayList<>();
				for (NoticeStore.Claimed attempt : claimed) {
					Handed h = channel == Channel.SMS ? sendSms(attempt) : sendMail(attempt);
					if (h != null) {
						handed.add(h);
					}
				}
				// What the providers took is recorded together: one transaction for the whole take.
				recordAccepted(handed);
				queue.done(queueName, deliveries);
				pause = 100;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				// Redis or PostgreSQL unreachable: back off; the reconciler re-queues what is due.
				log.warn("Notice worker {} paused {} ms: {}", consumer, pause, ex.toString());
				sleep(pause);
				pause = Math.min(pause * 2, 10_000);
			}
		}
	}

	/** An attempt its provider took, with the provider's answer to keep as evidence. */
	record Handed(NoticeStore.Claimed attempt, String provider, String providerId, AttemptStatus status, NewEvidence proof) {
	}

	/** Sends one SMS; returns what the provider took, or null when it refused (already recorded). */
	Handed sendSms(NoticeStore.Claimed attempt) throws InterruptedException {
		rateLimiter.acquire(sms.sender());
		SmsGateway.OutgoingSms out = new SmsGateway.OutgoingSms(attempt.id(), sms.sender(), attempt.destination(),
				attempt.body(), statusCallback(sms.provider(), attempt.id()));
		Timer.Sample sample = Timer.start(meters);
		try {
			SmsGateway.SmsAccepted accepted = sms.send(out);
			sample.stop(meters.timer("ackline.sms.send", "result", "accepted"));
			log.debug("SMS for notice {} to {} accepted as {}", attempt.noticeId(), PhoneNumbers.mask(attempt.destination()),
					accepted.providerId());
			return handed(attempt, accepted);
		}
		catch (SmsSendException ex) {
			sample.stop(meters.timer("ackline.sms.send", "result", ex.retryable() ? "retryable" : "refused"));
			failOrRetry(attempt, ex.code(), ex.getMessage(), ex.retryable());
			return null;
		}
	}

	/** What an SMS provider's acceptance becomes: at least QUEUED, and its answer as evidence. */
	Handed handed(NoticeStore.Claimed attempt, SmsGateway.SmsAccepted accepted) {
		AttemptStatus status = AttemptStatus.fromTwilio(accepted.status());
		return new Handed(attempt, sms.provider(), accepted.providerId(),
				status == null || status.rank() < AttemptStatus.QUEUED.rank() ? AttemptStatus.QUEUED : status,
				new NewEvidence(EvidenceKind.SMS_SENT, "application/json",
						accepted.rawResponse().getBytes(StandardCharsets.UTF_8),
						EvidenceLinks.notice(attempt.clientId(), attempt.noticeId())));
	}

	/** Sends one email; returns what the server took, or null when it refused (already recorded). */
	Handed sendMail(NoticeStore.Claimed attempt) {
		String messageId = "<notice-" + attempt.noticeId() + "@" + domain(settings.mailFrom()) + ">";
		MailGateway.OutgoingMail out = new MailGateway.OutgoingMail(messageId, settings.mailFrom(),
				attempt.destination(), attempt.subject(), attempt.body(), attempt.htmlBody());
		try {
			MailGateway.SentMail sent = mail.send(out);
			meters.counter("ackline.email.send", "result", "accepted").increment();
			return new Handed(attempt, "smtp", sent.messageId(), AttemptStatus.SENT, new NewEvidence(
					EvidenceKind.EMAIL_SENT, "message/rfc822", sent.raw(),
					EvidenceLinks.notice(attempt.clientId(), attempt.noticeId())));
		}
		catch (MailSendException ex) {
			meters.counter("ackline.email.send", "result", ex.retryable() ? "retryable" : "refused").increment();
			failOrRetry(attempt, ex.code(), ex.getMessage(), ex.retryable());
			return null;
		}
	}

	void recordAccepted(List<Handed> handed) {
		if (handed.isEmpty()) {
			return;
		}
		tx.executeWithoutResult(s -> {
			Instant now = clock.instant();
			List<StoredEvidence> stored = evidence.storeAll(handed.stream().map(Handed::proof).toList());
			List<NoticeStore.Handover> handovers = new ArrayList<>();
			for (int i = 0; i < handed.size(); i++) {
				Handed h = handed.get(i);
				handovers.add(new NoticeStore.Handover(h.attempt(), h.provider(), h.providerId(), h.status(),
						stored.get(i).id()));
			}
			store.accepted(handovers, now);
		});
	}

	private void failOrRetry(NoticeStore.Claimed attempt, String code, String message, boolean retryable) {
		Instant now = clock.instant();
		String reason = message == null ? "unknown error" : message.length() > 500 ? message.substring(0, 500) : message;
		if (retryable && attempt.tries() < settings.maxTries()) {
			Instant next = now.plusMillis(backoff.apply(attempt.tries()));
			tx.executeWithoutResult(s -> store.retry(attempt, code, reason, next, now));
		}
		else {
			String why = retryable ? "gave up after " + attempt.tries() + " tries: " + reason : reason;
			tx.executeWithoutResult(s -> store.failed(attempt, code, why, now));
		}
	}

	/** Where the provider reports delivery; the attempt id lets a report find its attempt even before we know the provider's id. */
	String statusCallback(String provider, long attemptId) {
		return publicAddress.url("/webhooks/" + provider + "/sms-status?attempt=" + attemptId);
	}

	private static String domain(String address) {
		int at = address.indexOf('@');
		return at < 0 ? "ackline.local" : address.substring(at + 1);
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
