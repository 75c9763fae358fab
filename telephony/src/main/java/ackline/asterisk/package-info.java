/**
 * The Asterisk adapter: {@link ackline.asterisk.AsteriskPbx} implements the dialer's {@code Pbx} port over
 * Asterisk-Java's AMI connection (Originate, Hangup, CoreShowChannels, Getvar, Ping; call events matched to Ackline's
 * calls) and its FastAGI server (the {@code notice-ack} IVR script), and owns the AMI link's reconnection.
 * {@link ackline.asterisk.AsteriskConfiguration} wires it from {@link ackline.asterisk.AsteriskSettings}
 * ({@code ackline.asterisk.*}). Asterisk-Java stays inside this package; the rest of Ackline sees {@code PbxEvent}s.
 */
package ackline.asterisk;
