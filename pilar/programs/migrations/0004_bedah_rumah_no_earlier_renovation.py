"""Add "no earlier renovation" (rule field `renovated_before`, possible now that
enrollments exist) to the stored Bedah Rumah rule. Only a rule that does not
mention the field yet is changed; an operator's own edits are otherwise kept."""

from django.db import migrations

OLD_NOTE = (
    "belum pernah menerima bantuan serupa (syarat terakhir "
    "diperiksa saat pendaftaran penerima, belum menjadi bagian aturan)."
)
NEW_NOTE = "belum pernah menerima bantuan bedah rumah."


def _mentions(node, field):
    if isinstance(node, dict):
        if node.get("field") == field:
            return True
        return any(_mentions(child, field) for child in node.get("rules", []))
    return False


def add_condition(apps, schema_editor):
    from pilar.programs.seed import NO_EARLIER_RENOVATION

    Program = apps.get_model("programs", "Program")
    for program in Program.objects.filter(code="bedah-rumah"):
        rule = program.rule or {"op": "and", "rules": []}
        if _mentions(rule, NO_EARLIER_RENOVATION["field"]):
            continue
        if rule.get("op") == "and":
            rule = {"op": "and", "rules": [*rule.get("rules", []), dict(NO_EARLIER_RENOVATION)]}
        else:
            rule = {"op": "and", "rules": [rule, dict(NO_EARLIER_RENOVATION)]}
        program.rule = rule
        program.description = program.description.replace(OLD_NOTE, NEW_NOTE)
        program.save(update_fields=["rule", "description"])


def remove_condition(apps, schema_editor):
    Program = apps.get_model("programs", "Program")
    for program in Program.objects.filter(code="bedah-rumah"):
        rule = program.rule or {}
        if rule.get("op") == "and":
            rule["rules"] = [r for r in rule.get("rules", []) if r.get("field") != "renovated_before"]
            program.rule = rule
            program.save(update_fields=["rule"])


class Migration(migrations.Migration):
    dependencies = [("programs", "0003_enrollments")]

    operations = [migrations.RunPython(add_condition, remove_condition)]
