package ackline.email;

import java.util.Properties;

import jakarta.mail.Folder;
import jakarta.mail.Session;
import jakarta.mail.Store;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Up while the reply reader is logged in to the IMAP mailbox, or, while it is reconnecting, when a fresh login
 * succeeds; down with the server's error otherwise.
 */
class ImapHealthIndicator extends AbstractHealthIndicator {

	private final ImapSettings settings;

	private final ImapReplyReader reader;

	ImapHealthIndicator(ImapSettings settings, ImapReplyReader reader) {
		super("IMAP health check failed");
		this.settings = settings;
		this.reader = reader;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) throws Exception {
		builder.withDetail("host", this.settings.host()).withDetail("folder", this.settings.folder());
		this.reader.lastSuccessfulPoll().ifPresent((poll) -> builder.withDetail("lastSuccessfulPoll", poll.toString()));
		if (this.reader.connected()) {
			builder.up();
			return;
		}
		this.reader.lastFailure().ifPresent((failure) -> builder.withDetail("readerError", failure.toString()));
		login();
		builder.up().withDetail("reader", "reconnecting");
	}

	/** A login of our own, bounded by the connect timeout so the health endpoint never hangs on the server. */
	private void login() throws Exception {
		Properties properties = this.settings.sessionProperties();
		String timeout = String.valueOf(this.settings.connectTimeout().toMillis());
		properties.setProperty("mail." + this.settings.protocol() + ".timeout", timeout);
		Store store = Session.getInstance(properties).getStore(this.settings.protocol());
		try {
			store.connect(this.settings.host(), this.settings.port() == 0 ? -1 : this.settings.port(),
					this.settings.username(), this.settings.password());
			Folder folder = store.getFolder(this.settings.folder());
			if (!folder.exists()) {
				throw new IllegalStateException("IMAP folder " + this.settings.folder() + " does not exist");
			}
		}
		finally {
			if (store.isConnected()) {
				store.close();
			}
		}
	}

}
