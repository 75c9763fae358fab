package ackline.notice;

/** How a notice is sent. */
public enum Channel {

	SMS, EMAIL

}
