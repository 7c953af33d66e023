"""The admin's way to sign a person's API clients out: an action on users.

(Deleting a token on the admin's token page revokes it too; that page offers no actions, since
DRF maps its rows to user ids.)
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from workbench.tokens import revoke_api_tokens

User = get_user_model()


@admin.action(description="Revoke the API tokens of the selected users", permissions=["change"])
def revoke_users_api_tokens(modeladmin, request, queryset):
    revoked = revoke_api_tokens(users=queryset)
    tokens = "API token; every client using it" if revoked == 1 else "API tokens; every client using them"
    modeladmin.message_user(request, f"Revoked {revoked} {tokens} is signed out.", messages.SUCCESS)


admin.site.unregister(User)


@admin.register(User)
class WorkbenchUserAdmin(UserAdmin):
    actions = [revoke_users_api_tokens]
