package ackline.notice;

/**
 * Takes an email read from the reply mailbox. It returns only once the reply is safely recorded;
 * the reader marks the message seen after that, so a crash in between means it is read again
 * (and recognised by its Message-ID), never lost.
 */
@FunctionalInterface
public interface MailReplyHandler {

	void onReply(ReceivedMail mail);

}
