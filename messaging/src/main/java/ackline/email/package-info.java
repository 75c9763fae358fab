/**
 * The email adapter: notices go out over SMTP with Jakarta Mail ({@code JakartaMailGateway}, keeping our
 * Message-ID and the bytes sent as evidence), and client replies are read from an IMAP mailbox
 * ({@code ImapReplyReader}, IDLE or polling), decoded from the charsets mainland clients use (GBK, GB2312,
 * GB18030, Big5, UTF-8) and stripped of the quoted original ({@link ackline.email.MailText}).
 * Jakarta Mail stays inside this package; the rest of Ackline sees {@code MailGateway} and {@code ReceivedMail}.
 */
package ackline.email;
