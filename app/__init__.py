"""UI-side helpers of the Streamlit app: session keys, services, error messages, rendering."""
