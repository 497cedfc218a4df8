import shutil

from extractor.model import prompts
from schemas.responses import RESPONSE_MODELS


def test_every_section_kind_has_a_prompt_whose_example_validates_against_its_response_model():
    for kind in prompts.KINDS:
        p = prompts.load(kind)
        RESPONSE_MODELS[kind].model_validate_json(p.example_output)
        assert len(p.version) == 12


def test_every_kind_shares_one_system_message():
    systems = {prompts.load(kind).messages(heading="", text="")[0]["content"] for kind in prompts.KINDS}
    assert len(systems) == 1


def test_editing_the_shared_system_text_changes_every_version(tmp_path):
    work = tmp_path / "prompts"
    shutil.copytree(prompts.PROMPT_DIR, work)
    before = prompts.versions(work)
    common = work / "common.toml"
    common.write_text(common.read_text(encoding="utf-8").replace("一句话", "一句短话"), encoding="utf-8")
    after = prompts.versions(work)
    assert all(after[k] != before[k] for k in prompts.KINDS)


def test_messages_share_a_prefix_and_differ_only_in_the_last_user_message():
    p = prompts.load("measures")
    a = p.messages(heading="（一）甲", text="一是甲")
    b = p.messages(heading="（二）乙", text="二是乙")
    assert a[:-1] == b[:-1]
    assert a[-1] != b[-1]


def test_editing_a_prompt_changes_only_its_own_version(tmp_path):
    work = tmp_path / "prompts"
    shutil.copytree(prompts.PROMPT_DIR, work)
    before = prompts.versions(work)
    path = work / "plans.toml"
    data = path.read_text(encoding="utf-8")
    path.write_text(data.replace("这条安排要做什么", "这条安排做什么"), encoding="utf-8")
    prompts.tomllib.loads(path.read_text(encoding="utf-8"))  # still valid TOML
    after = prompts.versions(work)
    assert after["plans"] != before["plans"]
    assert {k: v for k, v in after.items() if k != "plans"} == {k: v for k, v in before.items() if k != "plans"}
