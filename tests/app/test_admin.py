"""Admin screen against a real engine: listing, inspecting, editing, deleting, clean-up."""

from __future__ import annotations

from app_helpers import errors, texts

from core import OpenAIClient


def test_files_are_listed_inspected_and_deleted(use_engine, open_page, engine_client: OpenAIClient):
    uploaded = engine_client.upload_file(b"Admin listing test.", filename="admin-note.txt")
    at = open_page("screens/admin.py")
    assert not errors(at)
    frame = at.dataframe[0].value
    assert uploaded.id in list(frame["id"])
    at.selectbox(key="admin.select.files").set_value(uploaded.id).run()
    at.checkbox(key=f"admin.confirm.files.{uploaded.id}").check().run()
    at.button(key=f"admin.delete.files.{uploaded.id}").click().run()
    assert f"Deleted file {uploaded.id}." in texts(at)
    assert uploaded.id not in [f.id for f in engine_client.get_files(limit=100)]


def test_vector_store_rename_metadata_and_search(use_engine, open_page, engine_client):
    file = engine_client.upload_file(b"The quarterly revenue of Contoso rose by 12 percent.",
                                     filename="contoso.txt")
    store = engine_client.create_vector_store_and_wait_to_complete(
        name="admin-store", file_ids=[file.id])
    at = open_page("screens/admin.py")
    at.segmented_control(key="admin.section").set_value("Vector stores").run()
    at.selectbox(key="admin.select.vector_stores").set_value(store.id).run()
    at.text_input(key=f"admin.name.{store.id}").set_value("renamed-store")
    at.text_area(key=f"admin.metadata.{store.id}").set_value('{"team": "finance"}')
    at.button(key=f"admin.save.submit.{store.id}").click().run()
    assert not errors(at)
    changed = engine_client.get_vector_store(store.id)
    assert (changed.name, changed.metadata) == ("renamed-store", {"team": "finance"})

    at.text_input(key=f"admin.search_query.{store.id}").set_value("Contoso revenue")
    at.button(key=f"admin.search_button.submit.{store.id}").click().run()
    assert "contoso.txt" in texts(at)


def test_bad_metadata_is_a_clear_error(use_engine, open_page, engine_client):
    assistant = engine_client.create_assistant(model="pdf-copilot-local", name="meta-test")
    at = open_page("screens/admin.py")
    at.segmented_control(key="admin.section").set_value("Assistants").run()
    at.selectbox(key="admin.select.assistants").set_value(assistant.id).run()
    at.text_area(key=f"admin.metadata.{assistant.id}").set_value("not json")
    at.button(key=f"admin.save.submit.{assistant.id}").click().run()
    assert any("metadata is not valid JSON" in e for e in errors(at))
    assert not at.exception


def test_threads_show_messages_and_runs(use_engine, open_page, engine_client):
    assistant = engine_client.create_assistant(model="pdf-copilot-local", name="thread-test")
    thread = engine_client.create_thread(messages=[{"role": "user", "content": "Hello there"}])
    run = engine_client.create_run(thread.id, assistant_id=assistant.id)
    engine_client.wait_for_run_to_complete(thread.id, run.id)
    at = open_page("screens/admin.py")
    at.segmented_control(key="admin.section").set_value("Threads").run()
    at.text_input(key="admin.thread_id").set_value(thread.id).run()
    assert not errors(at)
    assert "Hello there" in texts(at)
    at.selectbox(key=f"admin.select.runs.{thread.id}").set_value(run.id).run()
    assert any(run.id in e.label for e in at.expander) or "message_creation" in str(
        [e.label for e in at.expander])


def test_unknown_thread_is_a_clear_error(use_engine, open_page):
    at = open_page("screens/admin.py")
    at.segmented_control(key="admin.section").set_value("Threads").run()
    at.text_input(key="admin.thread_id").set_value("thread_doesnotexist").run()
    assert any("no longer exists" in e for e in errors(at))


def test_cleanup_finds_and_deletes_orphans(use_engine, open_page, engine_client):
    orphan = engine_client.upload_file(b"nobody uses me", filename="orphan.txt")
    at = open_page("screens/admin.py")
    at.segmented_control(key="admin.section").set_value("Clean-up").run()
    at.number_input(key="admin.cleanup_age").set_value(0.0)
    at.button(key="admin.cleanup_scan").click().run()
    frame = at.dataframe[0].value
    assert orphan.id in list(frame["id"])
    at.button(key="admin.cleanup_run").click().run()
    assert not errors(at)
    assert orphan.id not in [f.id for f in engine_client.get_files(limit=100)]


def test_admin_password_is_asked(use_engine, open_page, clean_env):
    clean_env.setenv("PDF_COPILOT_ADMIN_PASSWORD", "s3cret")
    at = open_page("screens/admin.py")
    assert not at.dataframe
    at.text_input(key="admin.password").set_value("wrong")
    at.button(key="admin.password_submit").click().run()
    assert "Wrong password." in errors(at)
    at.text_input(key="admin.password").set_value("s3cret")
    at.button(key="admin.password_submit").click().run()
    assert not errors(at)
    assert at.segmented_control(key="admin.section")


def test_server_down_is_a_clear_error(server_down, open_page):
    at = open_page("screens/admin.py")
    assert any("Loading files failed: the server cannot be reached" in e for e in errors(at))


def test_file_batch_is_created_and_opened(use_engine, open_page, engine_client):
    file = engine_client.upload_file(b"Batch member text about Tailspin Toys.", filename="tt.txt")
    store = engine_client.create_vector_store(name="batch-store")
    at = open_page("screens/admin.py")
    at.segmented_control(key="admin.section").set_value("Vector stores").run()
    at.selectbox(key="admin.select.vector_stores").set_value(store.id).run()
    at.multiselect(key=f"admin.select.batch_files.{store.id}").set_value([file.id])
    at.button(key=f"admin.save.batch_submit.{store.id}").click().run()
    assert not errors(at), errors(at)
    assert any("Created batch" in s.value for s in at.success)
    batch_id = at.selectbox(key=f"admin.select.batch.{store.id}").value
    assert batch_id and batch_id.startswith("vsfb")
    assert file.id in list(at.dataframe[-1].value["file id"])
