from django.db import migrations


def serve_planned_cities(apps, schema_editor):
    """Every regency or city with a development plan is served: nothing planned is hidden."""
    DevelopmentPlan = apps.get_model("planning", "DevelopmentPlan")
    ServedRegion = apps.get_model("regions", "ServedRegion")
    for city_id in DevelopmentPlan.objects.values_list("city_id", flat=True).distinct():
        ServedRegion.objects.get_or_create(region_id=city_id)


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0006_references_without_case"),
        ("regions", "0003_served_regions"),
    ]

    operations = [migrations.RunPython(serve_planned_cities, migrations.RunPython.noop)]
