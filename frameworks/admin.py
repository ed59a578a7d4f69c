from django.contrib import admin

from frameworks.models import Activity, Framework, Stage


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0


class ActivityInline(admin.TabularInline):
    model = Activity
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "scheme", "version", "organization"]
    list_filter = ["scheme"]
    list_select_related = ["organization"]
    search_fields = ["name", "slug"]
    inlines = [StageInline]


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["name", "framework", "order"]
    list_filter = ["framework"]
    list_select_related = ["framework"]
    inlines = [ActivityInline]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["name", "stage", "order"]
    list_filter = ["stage__framework"]
    list_select_related = ["stage"]
    search_fields = ["name", "description"]
