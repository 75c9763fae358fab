package ackline.email;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import ackline.notice.MailReplyHandler;
import ackline.notice.ReceivedMail;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessageRemovedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.search.FlagTerm;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Reads client replies from the IMAP mailbox on a background thread and hands each unseen message to the
 * {@link MailReplyHandler}, marking it seen only once the handler has recorded it. Waits with IMAP IDLE where the
 * server offers it, polls otherwise, and reconnects with back-off after any failure.
 */
class ImapReplyReader implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(ImapReplyReader.class);

	private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

	private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

	/**
	 * IDLE is re-issued this often: RFC 2177 lets servers drop a client idle for 30 minutes, and mobile and NAT
	 * gateways drop silent connections sooner, which would leave us waiting on a dead socket.
	 */
	private static final Duration IDLE_REFRESH = Duration.ofMinutes(9);

	/** Retries of a reply the handler refused slow down to this, so a poison message does not flood the log. */
	private static final Duration MAX_RETRY_DELAY = Duration.ofMinutes(5);

	private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(20);

	private static final Flags SEEN = new Flags(Flags.Flag.SEEN);

	private final ImapSettings settings;

	private final MailReplyHandler handler;

	private final Session session;

	/** Guards {@code running}, {@code handling} and the worker; waited on for poll and back-off pauses. */
	private final Object lock = new Object();

	private boolean running;

	private boolean handling;

	private Thread worker;

	private ScheduledExecutorService timer;

	private volatile Store store;

	private volatile Folder folder;

	private volatile boolean connected;

	private volatile Instant lastSuccessfulPoll;

	private volatile Exception lastFailure;

	private int passesSinceConnect;

	ImapReplyReader(ImapSettings settings, MailReplyHandler handler) {
		this.settings = settings;
		this.handler = handler;
		this.session = Session.getInstance(settings.sessionProperties());
	}

	@Override
	public void start() {
		synchronized (this.lock) {
			if (this.running) {
				return;
			}
			if (!this.settings.active()) {
				logger.info("IMAP reply reader not started: ackline.imap is disabled or has no host");
				return;
			}
			this.running = true;
			this.timer = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "ackline-imap-idle-timer");
				thread.setDaemon(true);
				return thread;
			});
			this.worker = new Thread(this::run, "ackline-imap-reader");
			this.worker.setDaemon(true);
			this.worker.start();
		}
	}

	/**
	 * Stops reading. A reply being handled is finished first, handler and \Seen flag both: a client's
	 * acknowledgement that was recorded but left unseen would be read again on the next start, and one cut off
	 * half way might not be recorded at all. Waiting for mail is broken off at once by closing the folder, which
	 * ends IDLE.
	 */
	@Override
	public void stop() {
		Thread reader;
		boolean busy;
		synchronized (this.lock) {
			if (!this.running) {
				return;
			}
			this.running = false;
			busy = this.handling;
			reader = this.worker;
			this.lock.notifyAll();
		}
		if (!busy) {
			closeQuietly(this.folder);
		}
		try {
			reader.join(DRAIN_TIMEOUT.toMillis());
			if (reader.isAlive()) {
				logger.warn("IMAP reply reader did not stop within {}; a reply it was handling stays unseen and is "
						+ "read again on the next start", DRAIN_TIMEOUT);
				closeQuietly(this.folder);
				reader.interrupt();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.timer.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		synchronized (this.lock) {
			return this.running;
		}
	}

	/** True while the mailbox is logged in and the folder open. */
	boolean connected() {
		return this.connected;
	}

	/** When the mailbox was last searched for unseen mail without an IMAP error. */
	Optional<Instant> lastSuccessfulPoll() {
		return Optional.ofNullable(this.lastSuccessfulPoll);
	}

	/** The failure that ended the last connection or login, if it has not been followed by a good connection. */
	Optional<Exception> lastFailure() {
		return Optional.ofNullable(this.lastFailure);
	}

	/** For tests: whether the reader thread is still alive. */
	boolean workerAlive() {
		Thread reader;
		synchronized (this.lock) {
			reader = this.worker;
		}
		return reader != null && reader.isAlive();
	}

	private void run() {
		Duration backoff = FIRST_BACKOFF;
		while (isRunning()) {
			try {
				connect();
				serve(); // returns only once stopped
			}
			catch (Exception ex) {
				if (!isRunning()) {
					break;
				}
				this.lastFailure = ex;
				if (this.passesSinceConnect > 0) {
					backoff = FIRST_BACKOFF; // the connection worked for a while: a new outage, not the same one
				}
				logger.warn("IMAP reply mailbox {} ({}) failed, reconnecting in {}s: {}", this.settings.host(),
						this.settings.folder(), backoff.toSeconds(), ex.toString());
			}
			finally {
				disconnect();
			}
			pause(backoff);
			backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
		}
		logger.info("IMAP reply reader stopped");
	}

	private void connect() throws MessagingException {
		this.passesSinceConnect = 0;
		Store newStore = this.session.getStore(this.settings.protocol());
		this.store = newStore;
		newStore.connect(this.settings.host(), this.settings.port() == 0 ? -1 : this.settings.port(),
				this.settings.username(), this.settings.password());
		Folder newFolder = newStore.getFolder(this.settings.folder());
		if (!newFolder.exists()) {
			throw new MessagingException("IMAP folder " + this.settings.folder() + " does not exist");
		}
		newFolder.open(Folder.READ_WRITE);
		this.folder = newFolder;
		this.connected = true;
		this.lastFailure = null;
		logger.info("IMAP reply reader connected to {} ({})", this.settings.host(), this.settings.folder());
	}

	private void serve() throws MessagingException, IOException {
		Folder open = this.folder;
		boolean useIdle = this.settings.idle() && this.store instanceof IMAPStore imap && imap.hasCapability("IDLE");
		if (this.settings.idle() && !useIdle) {
			logger.info("IMAP server {} does not offer IDLE; polling every {}", this.settings.host(),
					this.settings.pollInterval());
		}
		Duration retryDelay = this.settings.pollInterval();
		while (isRunning()) {
			int failures = pass(open);
			this.passesSinceConnect++;
			this.lastSuccessfulPoll = Instant.now();
			Duration wait;
			if (failures > 0) {
				// a refused reply is retried after a delay of its own: IDLE would only wake for new mail
				wait = retryDelay;
				retryDelay = retryDelay.multipliedBy(2).compareTo(MAX_RETRY_DELAY) > 0 ? MAX_RETRY_DELAY
						: retryDelay.multipliedBy(2);
			}
			else {
				retryDelay = this.settings.pollInterval();
				wait = useIdle ? IDLE_REFRESH : this.settings.pollInterval();
			}
			if (useIdle) {
				useIdle = idle(open, wait);
			}
			else {
				pause(wait);
			}
		}
	}

	/** Handles every unseen message, oldest first; returns how many the handler refused. */
	private int pass(Folder open) throws MessagingException, IOException {
		noop(open); // some servers report new mail only in answer to a command
		Message[] unseen = open.search(new FlagTerm(SEEN, false));
		Arrays.sort(unseen, Comparator.comparingInt(Message::getMessageNumber));
		int failures = 0;
		for (Message message : unseen) {
			synchronized (this.lock) {
				if (!this.running) {
					return failures;
				}
				this.handling = true;
			}
			try {
				if (!handle(message)) {
					failures++;
				}
			}
			finally {
				synchronized (this.lock) {
					this.handling = false;
				}
			}
		}
		return failures;
	}

	/** Returns false when the handler refused the message; IMAP failures are thrown and end the connection. */
	private boolean handle(Message message) throws MessagingException, IOException {
		ReceivedMail mail;
		try {
			if (message instanceof IMAPMessage imapMessage) {
				imapMessage.setPeek(true);
			}
			mail = MailText.read(message);
		}
		catch (MessageRemovedException ex) {
			return true; // deleted by someone else meanwhile: nothing left to record
		}
		try {
			this.handler.onReply(mail);
		}
		catch (Exception ex) {
			logger.warn("Reply {} from {} was not recorded; it stays unseen and is retried", mail.messageId(),
					MailText.mask(mail.from()), ex);
			return false;
		}
		// if this fails the reply is read again after reconnecting; the handler recognises it by Message-ID
		message.setFlags(SEEN, true);
		logger.info("Reply {} from {} recorded", mail.messageId(), MailText.mask(mail.from()));
		return true;
	}

	/**
	 * Waits for the server to announce mail, at most {@code maxWait}. Returns false when IDLE failed on a
	 * connection that is still good, so the caller falls back to polling.
	 */
	private boolean idle(Folder open, Duration maxWait) throws MessagingException {
		if (!isRunning()) {
			return true;
		}
		ScheduledFuture<?> wake = this.timer.schedule(() -> noopQuietly(open), maxWait.toMillis(),
				TimeUnit.MILLISECONDS);
		try {
			((IMAPFolder) open).idle(true);
			return true;
		}
		catch (MessagingException ex) {
			if (!isRunning() || !open.isOpen()) {
				throw ex;
			}
			logger.warn("IMAP IDLE failed on {}; polling every {} instead: {}", this.settings.host(),
					this.settings.pollInterval(), ex.toString());
			return false;
		}
		finally {
			wake.cancel(false);
		}
	}

	/** Any command on the folder ends a running IDLE (Angus sends DONE first); NOOP is the harmless one. */
	private static void noop(Folder open) throws MessagingException {
		((IMAPFolder) open).doCommand((protocol) -> {
			protocol.noop();
			return null;
		});
	}

	private static void noopQuietly(Folder open) {
		try {
			noop(open);
		}
		catch (MessagingException | RuntimeException ex) {
			logger.debug("NOOP to end IMAP IDLE failed; the reader notices the broken connection itself", ex);
		}
	}

	/** Sleeps, waking early when stopped. */
	private void pause(Duration duration) {
		long deadline = System.nanoTime() + duration.toNanos();
		synchronized (this.lock) {
			long remaining;
			while (this.running && (remaining = deadline - System.nanoTime()) > 0) {
				try {
					TimeUnit.NANOSECONDS.timedWait(this.lock, remaining);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	private void disconnect() {
		this.connected = false;
		closeQuietly(this.folder);
		Store oldStore = this.store;
		if (oldStore != null) {
			try {
				oldStore.close();
			}
			catch (MessagingException | RuntimeException ex) {
				logger.debug("Closing the IMAP store failed", ex);
			}
		}
		this.folder = null;
		this.store = null;
	}

	private static void closeQuietly(Folder open) {
		if (open == null) {
			return;
		}
		try {
			if (open.isOpen()) {
				open.close(false);
			}
		}
		catch (MessagingException | RuntimeException ex) {
			logger.debug("Closing the IMAP folder failed", ex);
		}
	}

}
