"""Sign-in and per-user projects, with AppTest against a real engine (the app's own launcher)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from app_helpers import APP_SCRIPT, PROJECT_ROOT, RUN_TIMEOUT, errors, shown, texts
from streamlit.testing.v1 import AppTest

from app.accounts import AccountError, Accounts, User
from app.conversation import ASSISTANT_KEY
from core import OpenAIClient
from core.embedded import EmbeddedEngine

PASSWORDS = {"alice": "alice-password-1", "bob": "bob-password-22"}


@pytest.fixture
def shared(clean_env: pytest.MonkeyPatch, engine: EmbeddedEngine, tmp_path: Path) -> Path:
    """Accounts alice (admin) and bob, the app pointed at the engine with its admin key."""
    users = tmp_path / "users.json"
    accounts = Accounts(users)
    accounts.add("alice", PASSWORDS["alice"], "admin")
    accounts.add("bob", PASSWORDS["bob"])
    clean_env.setenv("PDF_COPILOT_USERS_FILE", str(users))
    clean_env.setenv("PDF_COPILOT_USER_PROJECTS_FILE", str(tmp_path / "user-projects.json"))
    clean_env.setenv("PDF_COPILOT_BASE_URL", engine.base_url)
    clean_env.setenv("PDF_COPILOT_API_KEY", engine.api_key)
    clean_env.setenv("PDF_COPILOT_ADMIN_KEY", engine.admin_key)
    return tmp_path / "user-projects.json"


def sign_in(name: str, password: str | None = None, **query: str) -> AppTest:
    at = AppTest.from_file(str(APP_SCRIPT), default_timeout=RUN_TIMEOUT)
    at.query_params.update(query)
    at.run()
    at.text_input(key="auth.name").set_value(name)
    at.text_input(key="auth.password").set_value(password or PASSWORDS[name])
    at.button(key="auth.submit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def user_client(projects_file: Path, engine: EmbeddedEngine, name: str) -> OpenAIClient:
    entry = json.loads(projects_file.read_text())[f"{engine.base_url}"][name]
    return OpenAIClient(api_key=entry["api_key"], base_url=engine.base_url)


def test_a_shared_app_shows_nothing_before_sign_in(shared):
    at = AppTest.from_file(str(APP_SCRIPT), default_timeout=RUN_TIMEOUT).run()
    assert [t.value for t in at.title] == ["PDF Copilot"]
    assert not at.sidebar.markdown and not at.chat_input
    at.text_input(key="auth.name").set_value("alice")
    at.text_input(key="auth.password").set_value("wrong password")
    at.button(key="auth.submit").click().run()
    assert "Wrong name or password." in errors(at)
    assert not at.chat_input
    unknown = sign_in("mallory", "whatever-password")
    assert "Wrong name or password." in errors(unknown)


def test_a_signed_in_user_works_in_a_project_of_their_own(shared, engine):
    alice = sign_in("alice")
    assert "Chat with your documents" in [t.value for t in alice.title]
    assert "Signed in as **alice** · admin" in shown(" ".join(c.value for c in alice.sidebar.caption))
    bob = sign_in("bob")
    assert "Signed in as **bob**" in shown(" ".join(c.value for c in bob.sidebar.caption))
    projects = json.loads(shared.read_text())[engine.base_url]
    assert projects["alice"]["project_id"] != projects["bob"]["project_id"]
    assert stat.S_IMODE(os.stat(shared).st_mode) == 0o600
    with user_client(shared, engine, "alice") as a, user_client(shared, engine, "bob") as b:
        mine = a.upload_file(b"Alice's private notes on Contoso.", filename="alice-notes.txt")
        assert mine.id not in [f.id for f in b.get_files(limit=100)]
        assert mine.id in [f.id for f in a.get_files(limit=100)]


def test_a_thread_in_the_url_opens_only_for_its_owner(shared, engine):
    sign_in("alice")
    sign_in("bob")
    with user_client(shared, engine, "alice") as a:
        assistant = a.create_assistant(model="pdf-copilot-local", tools=[{"type": "file_search"}])
        thread = a.create_thread(metadata={ASSISTANT_KEY: assistant.id})
        a.create_thread_message(thread.id, role="user", content="Alice's secret question")
    intruder = sign_in("bob", thread=thread.id)
    assert "Alice's secret question" not in texts(intruder)
    assert any("not one of yours" in note for note in [texts(intruder), *errors(intruder)])
    assert thread.id not in texts(intruder) + " ".join(errors(intruder))
    assert "thread" not in intruder.query_params
    owner = sign_in("alice", thread=thread.id)
    assert "Alice's secret question" in texts(owner)
    # Alice's past conversations list it (title = first question), Bob's list does not.
    assert any("Past conversations" in e.label for e in owner.expander)
    assert not any("Past conversations" in e.label for e in intruder.expander)


def test_admin_is_for_the_admin_role_and_sees_across_projects(shared, engine):
    bob = sign_in("bob")
    with user_client(shared, engine, "bob") as b:
        bobs = b.upload_file(b"Bob's file.", filename="bob-file.txt")
    with pytest.raises(ValueError, match="Known pages"):  # not in Bob's navigation at all
        bob.switch_page("screens/admin.py")
    # And the screen itself refuses a non-admin who reaches it anyway.
    direct = AppTest.from_file(str(PROJECT_ROOT / "screens" / "admin.py"), default_timeout=RUN_TIMEOUT)
    direct.session_state["auth.user"] = User("bob")
    direct.run()
    assert "The Admin screen is for administrators." in errors(direct)
    assert not direct.dataframe and not direct.selectbox
    alice = sign_in("alice")
    alice.switch_page("screens/admin.py").run()
    assert "Admin" in [t.value for t in alice.title]
    picker = alice.selectbox(key="admin.project")
    bob_project = json.loads(shared.read_text())[engine.base_url]["bob"]["project_id"]
    assert picker.options.count("bob") == 1 and picker.options.count("alice") == 1
    picker.set_value(bob_project).run()
    assert not errors(alice), errors(alice)
    assert "Every object below is **bob**'s" in texts(alice)
    assert bobs.id in list(alice.dataframe[0].value["id"])


def test_single_user_mode_says_so_and_keeps_admin(use_engine, open_page):
    at = open_page()
    caption = shown(" ".join(c.value for c in at.sidebar.caption))
    assert "Single-user mode" in caption and "127.0.0.1" in caption
    admin = open_page("screens/admin.py")
    assert "Admin" in [t.value for t in admin.title]


def test_a_shared_app_without_an_admin_key_refuses_to_mix_users(shared, clean_env):
    clean_env.delenv("PDF_COPILOT_ADMIN_KEY")
    at = sign_in("bob")
    assert any("admin key" in e or "admin_key" in e for e in errors(at)), errors(at)
    assert not at.chat_input or at.chat_input[0].disabled


def test_the_users_command_stores_slow_salted_hashes(tmp_path):
    env = {**os.environ, "PDF_COPILOT_USERS_FILE": str(tmp_path / "users.json"),
           "PYTHONPATH": str(PROJECT_ROOT)}
    add = subprocess.run([sys.executable, "-m", "app", "users", "add", "carol", "--admin",
                          "--password-stdin"], input="carol-password\n", text=True, env=env,
                         capture_output=True, cwd=PROJECT_ROOT)
    assert add.returncode == 0, add.stderr
    stored = json.loads((tmp_path / "users.json").read_text())["users"]["carol"]
    assert stored["role"] == "admin" and stored["hash"].startswith("$argon2id$")
    assert "carol-password" not in (tmp_path / "users.json").read_text()
    assert stat.S_IMODE(os.stat(tmp_path / "users.json").st_mode) == 0o600
    accounts = Accounts(tmp_path / "users.json")
    assert accounts.verify("carol", "carol-password") is not None
    assert accounts.verify("carol", "carol-passwore") is None
    again = Accounts(tmp_path / "other.json")
    again.add("carol", "carol-password")
    assert json.loads((tmp_path / "other.json").read_text())["users"]["carol"]["hash"] \
        != stored["hash"]  # salted
    short = subprocess.run([sys.executable, "-m", "app", "users", "add", "dave",
                            "--password-stdin"], input="short\n", text=True, env=env,
                           capture_output=True, cwd=PROJECT_ROOT)
    assert short.returncode == 2 and "at least 8" in short.stderr
    listed = subprocess.run([sys.executable, "-m", "app", "users", "list"], text=True, env=env,
                            capture_output=True, cwd=PROJECT_ROOT)
    assert listed.stdout.split() == ["carol", "admin"]
    with pytest.raises(AccountError):
        accounts.add("bad name!", "long enough password")


def test_an_identity_provider_in_secrets_means_oidc_sign_in(use_engine):
    at = AppTest.from_file(str(APP_SCRIPT), default_timeout=RUN_TIMEOUT)
    at.secrets["auth"] = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback",
                          "cookie_secret": "x" * 32, "client_id": "id", "client_secret": "s",
                          "server_metadata_url": "http://127.0.0.1:9/.well-known/openid"}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.chat_input and not at.sidebar.markdown
