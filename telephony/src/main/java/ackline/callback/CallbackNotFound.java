package ackline.callback;

/** No task, call or agent by that id (or none the caller may see). */
public class CallbackNotFound extends RuntimeException {

	private final String id;

	public CallbackNotFound(String what, Object id) {
		super(what + " " + id + " not found");
		this.id = String.valueOf(id);
	}

	public String id() {
		return id;
	}

}
